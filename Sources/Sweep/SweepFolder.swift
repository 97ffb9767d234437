import Foundation
import RunStore
import Transfer

/// The manifest of a sweep, written once by `ctxrl sweep` as `study.json` and read by each
/// unit process: the run its units belong to and their settings.
public struct SweepManifest: Codable, Equatable, Sendable {
    /// The run's name in the run store, which its shards copy.
    public var runName: String
    /// The command that made the run, as stored in `runs.kind`.
    public var runKind: String
    /// The run's configuration as JSON text, exactly as stored in `runs.configuration`.
    public var configuration: String
    /// The ctxrl version that wrote the manifest.
    public var ctxrlVersion: String
    /// The settings every unit trains and evaluates with, including the run seed.
    public var settings: StudySettings
    /// The contexts by index, as stored in the run's `contexts` table.
    public var contexts: [RunContext]

    public init(
        runName: String, runKind: String, configuration: String, ctxrlVersion: String,
        settings: StudySettings, contexts: [RunContext]
    ) {
        self.runName = runName
        self.runKind = runKind
        self.configuration = configuration
        self.ctxrlVersion = ctxrlVersion
        self.settings = settings
        self.contexts = contexts
    }
}

extension SweepManifest {
    /// Creates the manifest's run with its contexts in `store`, or checks the run that is
    /// there, as `RunStore.createRun(name:kind:configuration:seed:ctxrlVersion:contexts:)`
    /// does.
    public func createRun(in store: RunStore) throws -> RunID {
        try store.createRun(
            name: runName, kind: runKind, configuration: configuration, seed: settings.seed,
            ctxrlVersion: ctxrlVersion,
            contexts: contexts.sorted { $0.index < $1.index }.map(\.features))
    }
}

/// The folder of one sweep: its manifest, one shard per unit, the batch scripts and the logs.
///
/// ```
/// DIR/study.json              the manifest
/// DIR/shards/unit-00007.sqlite  unit 7's run store, written by its process alone
/// DIR/shards/multitask-equal-total.sqlite  the multi-task baseline's run store
/// DIR/round-0.sbatch          the Slurm script of round 0
/// DIR/logs/                   one log per array task or local process
/// ```
///
/// The folder must be visible at the same path from every machine that runs units.
public struct SweepFolder: Sendable {
    /// The absolute path of the folder.
    public let path: String

    /// Refers to the folder at `path`, made absolute against the working directory.
    public init(path: String) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        self.path = url.path
    }

    public var manifestPath: String { path + "/study.json" }
    public var shardsPath: String { path + "/shards" }
    public var logsPath: String { path + "/logs" }

    /// Returns the shard file of `unit`.
    public func shardPath(_ unit: SweepUnit) -> String {
        shardsPath + "/" + unit.shardName
    }

    /// Returns a new path for round `round`'s batch script: `round-R.sbatch`, or
    /// `round-R-2.sbatch` and so on when an earlier attempt of the round wrote one, so that
    /// every attempt keeps its script.
    public func newScriptPath(round: Int) -> String {
        Self.unusedPath(path + "/round-\(round)", extension: "sbatch")
    }

    /// Returns a new path for a log named `name` in `logs/`, numbered like the scripts.
    public func newLogPath(name: String) -> String {
        Self.unusedPath(logsPath + "/" + name, extension: "log")
    }

    static func unusedPath(_ base: String, extension suffix: String) -> String {
        var candidate = base + "." + suffix
        var attempt = 1
        while FileManager.default.fileExists(atPath: candidate) {
            attempt += 1
            candidate = base + "-\(attempt)." + suffix
        }
        return candidate
    }

    /// Reads the manifest.
    ///
    /// - Throws: `SweepError.manifestUnreadable` when it is missing or malformed.
    public func readManifest() throws -> SweepManifest {
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw SweepError.manifestUnreadable(path: manifestPath, reason: "no such file")
        }
        do {
            return try JSONDecoder().decode(SweepManifest.self, from: data)
        } catch {
            throw SweepError.manifestUnreadable(path: manifestPath, reason: "\(error)")
        }
    }

    /// Creates the folder and writes the manifest, or checks that the folder already contains
    /// this manifest's run.
    ///
    /// - Throws: `SweepError.folderOfAnotherRun` when the folder belongs to another run or
    ///   configuration, and `SweepError.folderUnwritable` when it cannot be written.
    public func prepare(_ manifest: SweepManifest) throws {
        if FileManager.default.fileExists(atPath: manifestPath) {
            let existing = try readManifest()
            guard existing.runName == manifest.runName,
                existing.configuration == manifest.configuration,
                existing.contexts == manifest.contexts
            else {
                throw SweepError.folderOfAnotherRun(path: path, run: existing.runName)
            }
        }
        do {
            // Created every time, so that a removed logs/ or shards/ folder comes back.
            for folder in [path, shardsPath, logsPath] {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true)
            }
            if FileManager.default.fileExists(atPath: manifestPath) { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(
                to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            var isFolder: ObjCBool = false
            let reason = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
                && !isFolder.boolValue
                ? "it is a file, not a folder" : "\(error.localizedDescription)"
            throw SweepError.folderUnwritable(path: path, reason: reason)
        }
    }

    /// Lists the units that have a shard file: source units in increasing order, then the
    /// multi-task baselines.
    public func shardUnits() -> [SweepUnit] {
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: shardsPath)) ?? [])
        let sources = names.compactMap { name -> Int? in
            guard name.hasPrefix("unit-"), name.hasSuffix(".sqlite") else { return nil }
            return Int(name.dropFirst(5).dropLast(7))
        }.sorted().map(SweepUnit.source)
        let baselines = MultitaskBudget.allCases.map(SweepUnit.multitask)
            .filter { names.contains($0.shardName) }
        return sources + baselines
    }
}
