import Foundation
import RunStore
import Transfer

/// The work of one array task or local process: transfer units, each trained into its own
/// shard of the sweep folder.
///
/// A unit is deterministic from the run seed and its index (see `TransferStudy.unitSeed`),
/// and idempotent: a unit whose shard already contains its finished training returns at once.
public enum UnitWork {
    /// Runs the units `indices` in order, each into its own shard.
    ///
    /// - Parameters:
    ///   - onEvent: Receives the study's progress events.
    ///   - shouldCancel: Asked during training; see `TransferStudy.shouldCancel`.
    /// - Returns: One result per index.
    /// - Throws: `SweepError` for a bad manifest or index, and the errors of
    ///   `TransferStudy.runUnit(source:store:)`.
    public static func run(
        indices: [Int], folder: SweepFolder, onEvent: ((StudyEvent) -> Void)? = nil,
        shouldCancel: (() -> Bool)? = nil
    ) throws -> [TransferUnitResult] {
        let manifest = try folder.readManifest()
        let contextSet = try rebuildContextSet(manifest)
        for index in indices where !(0..<contextSet.count).contains(index) {
            throw SweepError.unitOutOfRange(index: index, count: contextSet.count)
        }
        return try indices.map { index in
            let shard = try openShard(folder.shardPath(unit: index), manifest: manifest)
            let study = TransferStudy(
                settings: manifest.settings, contextSet: contextSet, store: shard.store,
                run: shard.run)
            study.onEvent = onEvent
            study.shouldCancel = shouldCancel
            return try study.runUnit(source: index)
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

    /// Opens a shard and makes sure it contains the manifest's run and contexts.
    static func openShard(_ path: String, manifest: SweepManifest) throws -> (
        store: RunStore, run: RunID
    ) {
        let store = try RunStore(path: path)
        let run = try store.createRun(
            name: manifest.runName, kind: manifest.runKind, configuration: manifest.configuration,
            seed: manifest.settings.seed, ctxrlVersion: manifest.ctxrlVersion)
        try store.addContexts(
            run: run, manifest.contexts.sorted { $0.index < $1.index }.map(\.features))
        return (store, run)
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
            _ = try RunStore(path: shardPath(unit: unit)).shardRun(
                name: manifest.runName, kind: manifest.runKind,
                configuration: manifest.configuration, seed: manifest.settings.seed,
                contexts: manifest.contexts)
        }
    }

    /// Lists the units whose shard contains their finished training, in increasing order.
    ///
    /// - Throws: `SQLiteError` for an unreadable shard.
    public func finishedUnits() throws -> [Int] {
        try shardUnits().filter { unit in
            let shard = try RunStore(path: shardPath(unit: unit))
            return try shard.runs().contains { run in
                try shard.trainings(run: run.id)
                    .contains { $0.sourceIndex == unit && $0.status == .finished }
            }
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
            let shard = try RunStore(path: shardPath(unit: unit))
            let merge = try store.merge(shard: shard, into: run)
            total.merged += merge.merged
            total.alreadyPresent += merge.alreadyPresent
            total.unfinished += merge.unfinished
        }
        return total
    }
}
