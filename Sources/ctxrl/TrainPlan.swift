import Environments
import Foundation
import Learning
import RunStore
import Transfer

/// Everything `train` needs, resolved and validated before anything is written: the
/// effective scenario, the context set, the strategy, and the run it writes to.
struct TrainPlan {
    var scenario: Scenario
    var contextSet: ContextSet
    var strategyName: StrategyName
    var selectionOptions: SelectionOptions
    var store: RunStore
    var run: RunID

    var settings: StudySettings {
        StudySettings(
            environment: scenario.environment, contexts: scenario.contexts, ppo: scenario.ppo,
            evaluationEpisodes: scenario.evaluationEpisodes, seed: scenario.seed)
    }

    /// Builds the plan from the command line: a resumed run's stored scenario, or a scenario
    /// file or the environment's defaults with the options applied on top.
    ///
    /// Bad input throws `UsageError` before the store is opened, so it loses nothing.
    ///
    /// - Parameter checkOutput: Checks the output folder after the input is validated and
    ///   before the run is created or resumed. A throw stops the command there.
    static func make(
        arguments: ParsedArguments, storePath: String, checkOutput: () throws -> Void = {}
    ) throws -> TrainPlan {
        if let resume = arguments.string("resume") {
            return try resumed(
                resume, arguments: arguments, storePath: storePath, checkOutput: checkOutput)
        }
        let scenario = try effectiveScenario(arguments)
        let origin = arguments.string("scenario").map { ($0 as NSString).lastPathComponent }
        let (contextSet, strategy, options) = try validate(scenario, origin: origin)
        try checkOutput()
        let store = try openStore(storePath)
        let name = "\(scenario.name)-seed\(scenario.seed)-\(Int(Date().timeIntervalSince1970))"
            + "-\(ProcessInfo.processInfo.processIdentifier)"
        let run = try store.createRun(
            name: name, kind: "train", configuration: scenario, seed: scenario.seed,
            ctxrlVersion: CommandLineTool.version)
        try store.addContexts(run: run, contextSet.contexts.map(\.dictionary))
        return TrainPlan(
            scenario: scenario, contextSet: contextSet, strategyName: strategy,
            selectionOptions: options, store: store, run: run)
    }

    static func resumed(
        _ text: String, arguments: ParsedArguments, storePath: String,
        checkOutput: () throws -> Void
    ) throws -> TrainPlan {
        guard let id = Int64(text) else {
            throw UsageError("--resume needs a run id (see 'ctxrl runs list'), got '\(text)'")
        }
        let changeable = ["resume", "db", "parallel", "threads", "out"]
        let others = arguments.values.keys.filter { !changeable.contains($0) }
        if let other = others.sorted().first {
            throw UsageError(
                "--\(other) cannot change a resumed run; its stored scenario is used as it was")
        }
        let store = try openStore(storePath)
        guard let run = try store.run(id: RunID(rawValue: id)) else {
            throw UsageError("run \(id) is not in \(storePath); see 'ctxrl runs list --db \(storePath)'")
        }
        guard run.kind == "train" else {
            let fix = run.kind == "sweep"
                ? "rerun the 'ctxrl sweep' command that made it, which continues it"
                : "only train runs can be resumed"
            throw UsageError("run \(id) is a '\(run.kind)' run; \(fix)")
        }
        guard run.status != .finished else {
            throw UsageError("run \(id) is already finished; nothing to resume")
        }
        let scenario: Scenario
        do {
            scenario = try JSONDecoder().decode(Scenario.self, from: Data(run.configuration.utf8))
        } catch {
            throw UsageError("run \(id) has a configuration this ctxrl cannot read: \(error)")
        }
        let (contextSet, strategy, options) = try validate(scenario, origin: "run \(id)")
        try checkOutput()
        try store.resumeRun(run.id)
        return TrainPlan(
            scenario: scenario, contextSet: contextSet, strategyName: strategy,
            selectionOptions: options, store: store, run: run.id)
    }

    static func openStore(_ path: String) throws -> RunStore {
        do {
            let store = try RunStore(path: path)
            // A run still marked running whose process is gone was killed, so mark it interrupted.
            _ = try store.markStaleRunsInterrupted()
            return store
        } catch let error as SQLiteError {
            throw UsageError("cannot open run store '\(path)': \(error.message); give a writable file with --db")
        }
    }

    /// Builds the scenario file (or the environment's defaults) with command-line options on top.
    static func effectiveScenario(_ arguments: ParsedArguments) throws -> Scenario {
        var scenario: Scenario
        if let path = arguments.string("scenario") {
            do {
                scenario = try Scenario.load(path: path)
            } catch let error as ScenarioError {
                throw UsageError(error.description)
            }
            if arguments.string("env") != nil {
                let kind = try arguments.environment(command: TrainCommand.name)
                guard kind == scenario.environment else {
                    throw UsageError(
                        "--env \(kind.rawValue) contradicts the scenario's environment "
                            + "\(scenario.environment.rawValue); drop one of them")
                }
            }
        } else {
            let kind = arguments.string("env") == nil
                ? EnvironmentKind.cartpole : try arguments.environment(command: TrainCommand.name)
            scenario = Scenario.defaults(for: kind)
        }
        if let contexts = arguments.string("contexts") { scenario.contexts = contexts }
        if let strategy = arguments.string("strategy") { scenario.strategy = strategy }
        if let budget = try arguments.integer("budget", minimum: 1) { scenario.budget = budget }
        if let steps = try arguments.integer("steps", minimum: 1) { scenario.ppo.totalSteps = steps }
        if let episodes = try arguments.integer("episodes", minimum: 1) {
            scenario.evaluationEpisodes = episodes
        }
        if arguments.string("seed") != nil { scenario.seed = try arguments.seed() }
        if let policy = arguments.string("policy") { scenario.policy = policy }
        if let gap = arguments.string("gap") { scenario.gap = gap }
        if let settings = arguments.string("ppo") {
            scenario.ppo = try applyPPOSettings(settings, to: scenario.ppo)
        }
        return scenario
    }

    /// Applies `--ppo key=value,...` through the same typed reader as scenario files.
    static func applyPPOSettings(_ text: String, to configuration: PPOConfiguration) throws
        -> PPOConfiguration
    {
        var members: [(String, JSONValue)] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else {
                throw UsageError("--ppo part '\(part)' is not KEY=VALUE; e.g. --ppo epochs=10")
            }
            let value = (try? JSONParser.parse(pieces[1])) ?? .string(pieces[1])
            members.append((pieces[0], value))
        }
        do {
            var reader = try ScenarioReader(file: "--ppo", path: "ppo", value: .object(members))
            return try Scenario.readPPO(&reader, into: configuration)
        } catch let error as ScenarioError {
            throw UsageError(error.description)
        }
    }

    /// Checks the parts that need the environment: the context set, the strategy, the
    /// budget, the gap slope and the shared policy.
    ///
    /// - Parameter origin: the scenario file name (or run) the values came from, which
    ///   messages name together with the key; nil when they came from options alone.
    static func validate(_ scenario: Scenario, origin: String? = nil) throws
        -> (ContextSet, StrategyName, SelectionOptions)
    {
        func invalid(_ message: String, key: String) -> UsageError {
            UsageError(origin.map { "\($0): key '\(key)': \(message)" } ?? message)
        }
        let contextSet: ContextSet
        do {
            contextSet = try ContextSet.parse(
                scenario.contexts, environment: scenario.environment, seed: scenario.seed)
        } catch let error as ContextSetError {
            throw invalid(error.description, key: "contexts")
        } catch let error as ContextError {
            throw invalid(error.description, key: "contexts")
        }
        let count = contextSet.contexts.count
        var options = SelectionOptions()
        options.seed = scenario.seed
        options.contexts = contextSet
        do {
            options.gapSlope = try GapSlope(parsing: scenario.gap)
        } catch {
            throw invalid(
                "gap '\(scenario.gap)' is invalid; give a non-negative number or 'fit'", key: "gap")
        }
        let strategy: StrategyName
        if scenario.strategy == "all" {
            strategy = .oracle
        } else {
            do {
                strategy = try StrategyName(parsing: scenario.strategy)
            } catch {
                throw invalid("\(error); or use 'all' to train every context", key: "strategy")
            }
            guard strategy.isSequential, strategy != .sequentialOracle else {
                throw invalid(
                    "strategy '\(scenario.strategy)' needs the full transfer matrix; use "
                        + "--strategy all, which trains every context and reports it",
                    key: "strategy")
            }
        }
        // With 'all' every context is trained anyway. The budget only sets how far the
        // strategy comparison goes, so it is cut to the number of contexts there.
        guard scenario.strategy == "all" || scenario.budget <= count else {
            throw invalid(
                "budget \(scenario.budget) exceeds the \(plural(count, "context")) of '\(scenario.contexts)'; "
                    + "give --budget \(count) or less", key: "budget")
        }
        let policies = ["none", "mlp", "shared", "lora", "mhr", "openbook"]
        guard policies.contains(scenario.policy) else {
            throw invalid(
                "policy '\(scenario.policy)' is unknown; use one of "
                    + policies.joined(separator: ", "), key: "policy")
        }
        return (contextSet, strategy, options)
    }
}
