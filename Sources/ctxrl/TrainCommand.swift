import Adapters
import Environments
import Foundation
import Learning
import RunStore
import Transfer

/// `ctxrl train`: the main job. Selects source contexts with a strategy, trains PPO on each,
/// evaluates every policy zero-shot on every context, and stores everything in the run store.
enum TrainCommand: Subcommand {
    static let name = "train"
    static let usage =
        "--env E [--contexts SPEC] [--scenario FILE] [--strategy S] [--budget K] [--steps N] "
        + "[--seed N] [--db PATH] [--policy P] [--json] | --resume RUN"
    static let summary =
        "Choose source contexts, train PPO on them, and evaluate zero-shot transfer to every context."
    static let options: [OptionSpec] = [
        .value("env", "E", "environment (default cartpole); a scenario file sets it too"),
        .value("contexts", "SPEC", "context set: default, grid, grid:F=LO..HI@N[log][,...], "
               + "random:N, list:F=v1|v2, file:PATH.json (default grid)"),
        .value("scenario", "FILE", "scenario JSON file; options given here override its fields"),
        .value("strategy", "S", "mbtl-gp, mbtl-ps, mbtl-es, random, sequential-oracle, or all "
               + "(train every context, then report every strategy) (default mbtl-gp)"),
        .value("budget", "K", "source trainings the strategy may spend (default 5)"),
        .value("steps", "N", "PPO environment steps per source training (default: the "
               + "environment's tuned setting, 100000 for cartpole)"),
        .value("ppo", "k=v,...", "other PPO settings by scenario key, e.g. "
               + "learning_rate=3e-4,epochs=10 (see docs/scenarios.md)"),
        .value("gap", "G", "generalization-gap slope of mbtl-gp in normalised performance per "
               + "unit of normalised distance, or 'fit' (default 0.5)"),
        .value("episodes", "N", "deterministic evaluation episodes per source and target "
               + "(default 20)"),
        .value("seed", "N", "run seed; fixes every random stream (default 0)"),
        .value("db", "PATH", "run store file (default ctxrl-runs.sqlite)"),
        .value("policy", "P", "policy trained on the chosen sources afterwards and evaluated "
               + "zero-shot: none, mlp (one per source, nearest source acts), shared, lora, "
               + "mhr, openbook (default openbook)"),
        .value("parallel", "P", "units trained at once by --strategy all (default 2)"),
        .value("threads", "T", "threads per gradient step, 1 or 2 (actor and critic at once); "
               + "results are identical either way (default 2 on a machine with 2 or more "
               + "cores, but 1 for the units --strategy all trains in parallel)"),
        .value("out", "DIR", "folder for the rendered GIF and the HTML report (default ctxrl-out)"),
        .flag("no-artifacts", "skip the rollout GIF and the HTML report"),
        .value("resume", "RUN", "continue an interrupted run by id, skipping finished units"),
        .flag("dry-run", "validate everything, print the effective scenario as JSON, write nothing"),
        .flag("json", "print a JSON summary as the only output on standard output at the end; "
              + "the table then goes to standard error"),
        .flag("quiet", "print no progress on standard error"),
    ]

    /// The PPO settings with their CartPole defaults, from the same table that scenario files
    /// are read with.
    static var helpDetails: String {
        let defaults = PPOConfiguration.defaults(for: .cartpole)
        let fields = PPOConfiguration.fields
        let width = (fields.map(\.key.count).max() ?? 0) + 2
        let lines = fields.map { field in
            "  " + field.key.padding(toLength: width, withPad: " ", startingAt: 0) + field.help
                + " (cartpole: " + field.value(in: defaults) + ")"
        }
        return "\n\nPPO settings for --ppo KEY=VALUE and a scenario's \"ppo\" table "
            + "(other environments' defaults: docs/scenarios.md):\n" + lines.joined(separator: "\n")
    }

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let storePath = arguments.string("db") ?? "ctxrl-runs.sqlite"
        // Rejects a bad --threads before anything else, dry runs included.
        let threads = try requestedThreads(arguments)
        if arguments.has("dry-run") {
            let scenario = try TrainPlan.effectiveScenario(arguments)
            let origin = arguments.string("scenario").map { ($0 as NSString).lastPathComponent }
            let (contextSet, _, _) = try TrainPlan.validate(scenario, origin: origin)
            output.print(String(decoding: try scenarioEncoder.encode(scenario), as: UTF8.self))
            output.log("valid: \(plural(contextSet.contexts.count, "context")); nothing was written")
            return
        }
        let plan = try TrainPlan.make(
            arguments: arguments, storePath: storePath,
            checkOutput: {
                if !arguments.has("no-artifacts") {
                    try ArtifactStage.prepare(folder: arguments.string("out") ?? "ctxrl-out")
                }
            })
        let progress = StudyProgress(
            output: output, quiet: arguments.has("quiet"), count: plan.contextSet.contexts.count)
        Interrupt.install()

        let study = TransferStudy(
            settings: plan.settings, contextSet: plan.contextSet, store: plan.store, run: plan.run)
        study.onEvent = { progress.handle($0) }
        study.shouldCancel = { Interrupt.isRequested }
        if !arguments.has("quiet") {
            output.log(
            "run \(plan.run.rawValue) in \(storePath): \(plan.scenario.environment.rawValue), "
                + "\(plural(plan.contextSet.contexts.count, "context")), strategy \(plan.scenario.strategy), "
                + "budget \(plan.scenario.budget), seed \(plan.scenario.seed)")
        }

        let result: TrainResult
        do {
            result = try execute(
                plan: plan, study: study, progress: progress, arguments: arguments,
                threads: threads)
        } catch let error as TrainingError {
            progress.finishLine()
            if case .cancelled = error {
                try plan.store.markRunInterrupted(plan.run)
                output.error(
                    "interrupted; finished units are stored. Continue with: "
                        + "ctxrl train --resume \(plan.run.rawValue) --db \(storePath)")
                exit(130)
            }
            try? plan.store.finishRun(plan.run, status: .failed, message: error.description)
            throw error
        } catch {
            progress.finishLine()
            try? plan.store.finishRun(plan.run, status: .failed, message: "\(error)")
            throw error
        }
        progress.finishLine()
        // The study is complete and stored before the pictures are drawn, so the report shows
        // the final status and a failed picture loses nothing.
        try plan.store.finishRun(plan.run, status: .finished)
        var artifacts: (gif: String?, report: String)?
        var artifactError: String?
        if !arguments.has("no-artifacts") {
            progress.stage("rendering a rollout and writing the report")
            do {
                artifacts = try ArtifactStage.run(
                    plan: plan, result: result, folder: arguments.string("out") ?? "ctxrl-out",
                    storePath: storePath)
            } catch {
                artifactError = "the run is stored, but the GIF or the report could not be "
                    + "written: \(ArtifactStage.describe(error)); write them later with "
                    + "'ctxrl report \(plan.run.rawValue) --out FILE.html --db \(storePath)'"
            }
        }
        // With --json, standard output carries the JSON alone, so a tool can parse it whole.
        let json = arguments.has("json")
        let show: (String) -> Void = json ? output.log : output.print
        show(TrainSummary.table(result, plan: plan))
        if let artifacts {
            if let gif = artifacts.gif { show("Rollout GIF: \(gif)") }
            show("Report: \(artifacts.report)")
        }
        if json {
            output.print(TrainSummary.json(result, plan: plan).rendered)
        }
        if let artifactError {
            output.error(artifactError)
            exit(ExitStatus.failure)
        }
    }

    static var scenarioEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// Returns `--threads` after checking it, or nil when the option is absent.
    static func requestedThreads(_ arguments: ParsedArguments) throws -> Int? {
        guard let threads = try arguments.integer("threads", minimum: 1) else { return nil }
        guard threads <= 2 else {
            throw UsageError(
                "--threads \(threads) is more than a gradient step can use; give 1 or 2 "
                    + "(--parallel trains several units at once)")
        }
        return threads
    }

    /// Runs the selection (or every unit), then the shared policy and the artifacts.
    ///
    /// - Parameter threads: `--threads`. Without it, a training that runs alone uses 2 update
    ///   threads on a machine with two or more cores, and units trained in parallel use 1 so
    ///   that they do not compete for cores.
    static func execute(
        plan: TrainPlan, study: TransferStudy, progress: StudyProgress,
        arguments: ParsedArguments, threads: Int?
    ) throws -> TrainResult {
        var result = TrainResult()
        let start = Date()
        let soloThreads = threads ?? (ProcessInfo.processInfo.activeProcessorCount >= 2 ? 2 : 1)
        PPOTrainer.updateThreads = soloThreads
        if plan.scenario.strategy == "all" {
            let parallel = try arguments.integer("parallel", default: 2, minimum: 1)!
            progress.stage("training all \(study.count) contexts, \(parallel) at a time")
            if parallel > 1 { PPOTrainer.updateThreads = threads ?? 1 }
            let (units, unitMatrix) = try study.runAllUnits(parallelism: parallel)
            result.units = units
            // From here on, one training runs at a time.
            PPOTrainer.updateThreads = soloThreads
            // The multi-task baseline with the steps of all N trainings together, and with
            // the steps of a single one.
            progress.stage("training the multi-task baseline on all \(study.count) contexts")
            result.multitask = try MultitaskBudget.allCases.map { try study.runMultitask($0) }
            progress.finishLine()
            let matrix = TransferMatrix(
                returns: unitMatrix.returns, returnBounds: unitMatrix.returnBounds,
                labels: unitMatrix.labels, multitaskReturns: result.multitask[0].means)
            result.matrix = matrix
            result.reports = try StrategyComparison.run(
                matrix: matrix, plan: plan, store: plan.store)
            result.sharedSources = result.reports.first?.steps.map(\.chosen) ?? []
        } else {
            let strategy = try plan.strategyName.makeStrategy(options: plan.selectionOptions)
            progress.stage("selecting \(plan.scenario.budget) sources with \(strategy.name)")
            result.steps = try study.runSelection(strategy: strategy, budget: plan.scenario.budget)
            result.units = result.steps.map(\.unit)
            result.sharedSources = result.steps.map(\.decision.source)
        }
        if let kind = MultiTaskPolicyKind(rawValue: plan.scenario.policy),
            !result.sharedSources.isEmpty
        {
            progress.stage(
                "training a shared \(kind.rawValue) policy on sources "
                    + result.sharedSources.map(String.init).joined(separator: ", "))
            result.shared = try SharedPolicyStage.run(
                kind: kind, sources: result.sharedSources, plan: plan, progress: progress)
        }
        result.trainingSeconds = Date().timeIntervalSince(start)
        return result
    }
}

/// The outcome of `train`, for the summary.
struct TrainResult {
    var steps: [StudyStep] = []
    /// Every unit trained or read back: in selection order, or in source order for `all`.
    var units: [TransferUnitResult] = []
    var matrix: TransferMatrix?
    /// The sources the shared policy trains on: the selection's choices.
    var sharedSources: [Int] = []
    /// The multi-task baselines of `--strategy all`: equal total steps, then equal unit steps.
    var multitask: [MultitaskResult] = []
    var shared: SharedPolicyResult?
    var reports: [SelectionReport] = []
    var trainingSeconds = 0.0
}
