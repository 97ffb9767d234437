import Foundation
import RunStore
import Transfer

/// The work of one array task or local process: sweep units, each run into its own shard of
/// the sweep folder.
///
/// A transfer unit is deterministic from the run seed and its index (see
/// `TransferStudy.unitSeed`), and the multi-task baseline from the run seed and its budget.
/// Both are idempotent: a unit whose shard already contains its finished result returns at
/// once.
public enum UnitWork {
    /// Runs `units` in order, each into its own shard.
    ///
    /// - Parameters:
    ///   - onEvent: Receives the study's progress events.
    ///   - shouldCancel: Asked during training; see `TransferStudy.shouldCancel`.
    /// - Throws: `SweepError` for a bad manifest or index, and the errors of training and
    ///   of the shard's run store.
    public static func run(
        units: [SweepUnit], folder: SweepFolder, onEvent: ((StudyEvent) -> Void)? = nil,
        shouldCancel: (() -> Bool)? = nil
    ) throws {
        let manifest = try folder.readManifest()
        let contextSet = try rebuildContextSet(manifest)
        for case .source(let index) in units where !(0..<contextSet.count).contains(index) {
            throw SweepError.unitOutOfRange(index: index, count: contextSet.count)
        }
        for unit in units {
            let study = try shardStudy(unit, folder: folder, manifest: manifest, contextSet: contextSet)
            study.onEvent = onEvent
            study.shouldCancel = shouldCancel
            switch unit {
            case .source(let index): _ = try study.runUnit(source: index)
            case .multitask(let budget): _ = try study.runMultitask(budget)
            }
        }
    }

    /// Runs the transfer units `indices` in order and returns their results.
    ///
    /// - Throws: As `run(units:folder:onEvent:shouldCancel:)`.
    public static func run(indices: [Int], folder: SweepFolder) throws -> [TransferUnitResult] {
        let manifest = try folder.readManifest()
        let contextSet = try rebuildContextSet(manifest)
        for index in indices where !(0..<contextSet.count).contains(index) {
            throw SweepError.unitOutOfRange(index: index, count: contextSet.count)
        }
        return try indices.map { index in
            try shardStudy(.source(index), folder: folder, manifest: manifest, contextSet: contextSet)
                .runUnit(source: index)
        }
    }

    /// Builds the context set from the manifest's specification and checks that it still
    /// gives the listed contexts.
    public static func rebuildContextSet(_ manifest: SweepManifest) throws -> ContextSet {
        let settings = manifest.settings
        let contextSet = try ContextSet.parse(
            settings.contexts, environment: settings.environment, seed: settings.seed)
        let rebuilt = contextSet.contexts.enumerated().map {
            RunContext(index: $0.offset, features: $0.element.dictionary)
        }
        guard rebuilt == manifest.contexts else {
            throw SweepError.contextsChanged(spec: settings.contexts)
        }
        return contextSet
    }

    /// Opens the shard of `unit`, makes sure it contains the manifest's run and contexts,
    /// and returns a study on it.
    static func shardStudy(
        _ unit: SweepUnit, folder: SweepFolder, manifest: SweepManifest, contextSet: ContextSet
    ) throws -> TransferStudy {
        let store = try RunStore(path: folder.shardPath(unit))
        let run = try manifest.createRun(in: store)
        return TransferStudy(
            settings: manifest.settings, contextSet: contextSet, store: store, run: run)
    }
}

extension SweepFolder {
    /// Checks that every shard in the folder belongs to the manifest's run, so that a merge
    /// can reject a foreign shard before it writes anything.
    ///
    /// - Throws: `RunStoreError.shardMismatch` for the first foreign shard, and `SQLiteError`
    ///   for an unreadable one.
    public func checkShards(_ manifest: SweepManifest) throws {
        for unit in shardUnits() {
            _ = try RunStore(path: shardPath(unit)).shardRun(
                name: manifest.runName, kind: manifest.runKind,
                configuration: manifest.configuration, seed: manifest.settings.seed,
                contexts: manifest.contexts)
        }
    }

    /// Lists the units whose shard contains their finished result.
    ///
    /// - Throws: `SweepError` for a bad manifest, and `SQLiteError` for an unreadable shard.
    public func finishedUnits() throws -> [SweepUnit] {
        let manifest = try readManifest()
        let contextSet = try UnitWork.rebuildContextSet(manifest)
        return try shardUnits().filter { unit in
            try UnitWork.shardStudy(unit, folder: self, manifest: manifest, contextSet: contextSet)
                .hasFinished(unit)
        }
    }

    /// Merges every shard of the folder into `run`.
    ///
    /// - Returns: What the merges did, together.
    /// - Throws: `RunStoreError.shardMismatch` for a shard of another run or configuration,
    ///   and `SQLiteError` for an unreadable shard; shards merged before it stay merged.
    ///   Call `checkShards(_:)` first to reject foreign shards before anything is merged.
    public func mergeShards(into store: RunStore, run: RunID) throws -> ShardMerge {
        var total = ShardMerge()
        for unit in shardUnits() {
            let shard = try RunStore(path: shardPath(unit))
            let merge = try store.merge(shard: shard, into: run)
            total.merged += merge.merged
            total.alreadyPresent += merge.alreadyPresent
            total.unfinished += merge.unfinished
            total.metricKeys += merge.metricKeys
        }
        return total
    }
}
