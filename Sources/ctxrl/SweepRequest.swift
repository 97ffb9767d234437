import Foundation
import RunStore
import Sweep
import Transfer

/// The validated input of `sweep`: the scenario, its run's name and manifest, and the
/// backend settings. Bad input throws `UsageError` before anything is written.
struct SweepRequest {
    var scenario: Scenario
    var contextSet: ContextSet
    var strategyName: StrategyName
    var selectionOptions: SelectionOptions
    /// The scenario as stored in `runs.configuration`: JSON with sorted keys.
    var configuration: String
    var parallel: Int
    var batchSize: Int
    var packing: UnitPacking
    /// The ctxrl executable that tasks run: this one.
    var executable: String

    init(_ arguments: ParsedArguments) throws {
        scenario = try TrainPlan.effectiveScenario(arguments)
        // Units run in the sweep folder (Slurm's --chdir), so a context file must be named by
        // its absolute path.
        if scenario.contexts.hasPrefix("file:") {
            let path = String(scenario.contexts.dropFirst("file:".count))
            scenario.contexts = "file:" + URL(fileURLWithPath: path).standardizedFileURL.path
        }
        let origin = arguments.string("scenario").map { ($0 as NSString).lastPathComponent }
        (contextSet, strategyName, selectionOptions) = try TrainPlan.validate(
            scenario, origin: origin)
        if scenario.strategy == "sequential-oracle" {
            throw UsageError("strategy 'sequential-oracle' needs the full matrix; use --strategy all")
        }
        configuration = String(decoding: try TrainCommand.scenarioEncoder.encode(scenario), as: UTF8.self)
        parallel = try arguments.integer("parallel", default: 2, minimum: 1)!
        batchSize = try arguments.integer("batch", default: 1, minimum: 1)!
        if batchSize > 1 && scenario.strategy == "all" {
            throw UsageError(
                "--batch \(batchSize) applies to selection strategies, but --strategy all runs "
                    + "every unit in one round; drop --batch or choose a strategy such as mbtl-gp")
        }
        packing = UnitPacking(unitsPerTask: try arguments.integer("pack", minimum: 1))
        executable = Self.currentExecutable()
    }

    /// The run's name: the same for the same scenario, contexts and batch size, so that
    /// rerunning a sweep continues its run instead of starting another. The hash covers the
    /// contexts' feature values too, so editing a context file starts a new run.
    var runName: String {
        let contexts = contextSet.contexts.map { context in
            context.dictionary.keys.sorted().map { "\($0)=\(context.dictionary[$0]!)" }
                .joined(separator: ",")
        }.joined(separator: ";")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (configuration + "\n" + contexts + "\nbatch=\(batchSize)").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let digest = String(hash, radix: 16)
        let padded = String(repeating: "0", count: 16 - digest.count) + digest
        let batch = batchSize > 1 ? "-batch\(batchSize)" : ""
        return "sweep-\(scenario.name)-seed\(scenario.seed)\(batch)-\(padded.prefix(10))"
    }

    var manifest: SweepManifest {
        SweepManifest(
            runName: runName, runKind: "sweep", configuration: configuration,
            ctxrlVersion: CommandLineTool.version, settings: settings,
            contexts: contextSet.contexts.enumerated().map {
                RunContext(index: $0.offset, features: $0.element.dictionary)
            })
    }

    var settings: StudySettings {
        StudySettings(
            environment: scenario.environment, contexts: scenario.contexts, ppo: scenario.ppo,
            evaluationEpisodes: scenario.evaluationEpisodes, seed: scenario.seed)
    }

    func backend(_ arguments: ParsedArguments, dryRun: Bool) throws -> any SweepBackend {
        let invocation = UnitInvocation(executable: executable)
        switch arguments.string("backend") ?? "local" {
        case "local":
            for option in ["partition", "time"] where arguments.string(option) != nil {
                throw UsageError("--\(option) applies to --backend slurm only")
            }
            return LocalBackend(command: invocation, parallel: parallel)
        case "slurm":
            // sbatch reads #SBATCH values up to whitespace or '#', and expands '%' in --output.
            let folder = SweepFolder(path: arguments.string("work") ?? "ctxrl-sweeps/" + runName)
            if let bad = folder.path.first(where: { " \t'\"#%\\".contains($0) }) {
                throw UsageError(
                    "the sweep folder '\(folder.path)' contains '\(bad)', which an sbatch "
                        + "script cannot hold; give a folder without spaces, quotes, '#' or '%' "
                        + "with --work")
            }
            var slurm = SlurmBackend(
                command: invocation, parallel: parallel, partition: arguments.string("partition"),
                timeLimit: arguments.string("time"))
            slurm.dryRun = dryRun
            return slurm
        case let other:
            throw UsageError("--backend '\(other)' is unknown; use slurm or local")
        }
    }

    /// Creates the run, or finds the run an earlier attempt of this sweep created.
    func plan(storePath: String) throws -> TrainPlan {
        let store = try TrainPlan.openStore(storePath)
        let run = try store.createRun(
            name: runName, kind: "sweep", configuration: configuration, seed: scenario.seed,
            ctxrlVersion: CommandLineTool.version, contexts: contextSet.contexts.map(\.dictionary))
        if let stored = try store.run(id: run) {
            let isOurs = stored.pid == getpid() && stored.host == Self.hostName()
            if stored.status == .running && !isOurs {
                throw UsageError(
                    "run \(run.rawValue) '\(runName)' is being swept by process \(stored.pid) on "
                        + "\(stored.host); wait for it to end, or stop it first")
            }
            if stored.status != .running { try store.resumeRun(run) }
        }
        return TrainPlan(
            scenario: scenario, contextSet: contextSet, strategyName: strategyName,
            selectionOptions: selectionOptions, store: store, run: run)
    }

    /// Chooses the units of the first round: every unit and the multi-task baselines, or the
    /// first Q sources of the selection.
    func firstRound() throws -> [SweepUnit] {
        if scenario.strategy == "all" {
            return (0..<contextSet.count).map(SweepUnit.source)
                + MultitaskBudget.allCases.map(SweepUnit.multitask)
        }
        let strategy = try strategyName.makeStrategy(options: selectionOptions)
        let batch = try BatchSelection(
            strategy: strategy, size: batchSize, gapSlope: selectionOptions.gapSlope)
        let problem = try SelectionProblem(geometry: contextSet.geometry, budget: scenario.budget)
        return try batch.nextRound(problem: problem, observations: []).map { .source($0.source) }
    }

    /// Reads the host name with `gethostname`, which never queries DNS.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Finds the absolute path of the running executable, which every task runs too.
    static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return path
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
