import Foundation
import RunStore
import Sweep
import Transfer

/// `ctxrl sweep`: a transfer study whose units run as separate processes, on this machine or
/// as a Slurm job array, each into its own shard, merged into the run store after each round.
enum SweepCommand: Subcommand {
    static let name = "sweep"
    static let usage =
        "[--scenario FILE | --env E --contexts SPEC] [--backend local|slurm] [--parallel P] "
        + "[--partition NAME] [--time LIMIT] [--batch Q] [--dry-run]"
    static let summary =
        "Run a transfer study's units as local processes or a Slurm job array, then merge them."
    static let options: [OptionSpec] = [
        .value("scenario", "FILE", "scenario JSON file; options given here override its fields"),
        .value("env", "E", "environment, without a scenario file (default cartpole)"),
        .value("contexts", "SPEC", "context set, as for 'ctxrl train' (default grid)"),
        .value("strategy", "S", "all (every unit and the multi-task baselines at once), or "
               + "mbtl-gp, mbtl-ps, mbtl-es, random in rounds of --batch sources (default: the "
               + "scenario's)"),
        .value("budget", "K", "source trainings a selection strategy may spend"),
        .value("steps", "N", "PPO environment steps per unit"),
        .value("ppo", "k=v,...", "other PPO settings by scenario key"),
        .value("gap", "G", "generalization-gap slope of mbtl-gp, or 'fit'"),
        .value("episodes", "N", "evaluation episodes per source and target"),
        .value("seed", "N", "run seed; fixes every unit (default 0)"),
        .value("backend", "B", "slurm (one job array per round) or local (a pool of processes "
               + "on this machine) (default local)"),
        .value("parallel", "P", "array tasks or processes running at once (default 2)"),
        .value("batch", "Q", "sources a selection strategy chooses per round, by the kriging "
               + "believer (default 1: one at a time)"),
        .value("pack", "M", "units per array task (default: about 500000 steps per task, but "
               + "at least P tasks)"),
        .value("partition", "NAME", "Slurm partition (default: the cluster's default)"),
        .value("time", "LIMIT", "Slurm time limit per array task, e.g. 02:00:00"),
        .value("work", "DIR", "sweep folder for the manifest, shards, scripts and logs; must be "
               + "visible from every node (default ctxrl-sweeps/RUN-NAME)"),
        .value("db", "PATH", "run store file (default ctxrl-runs.sqlite)"),
        .flag("dry-run", "write the manifest and the first round's script, submit nothing, "
              + "store nothing"),
        .flag("json", "print a JSON summary as the only output on standard output at the end; "
              + "the table then goes to standard error"),
        .flag("quiet", "print no progress on standard error"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let storePath = arguments.string("db") ?? "ctxrl-runs.sqlite"
        let request = try SweepRequest(arguments)
        let backend = try request.backend(arguments, dryRun: arguments.has("dry-run"))
        let folder = SweepFolder(
            path: arguments.string("work") ?? "ctxrl-sweeps/" + request.runName)
        do {
            try folder.prepare(request.manifest)
        } catch let error as SweepError {
            throw UsageError(error.description)
        }
        let progress = SweepProgress(output: output, quiet: arguments.has("quiet"))
        if arguments.has("dry-run") {
            try dryRun(
                request, folder: folder, backend: backend, progress: progress, output: output)
            return
        }

        do {
            try folder.checkShards(request.manifest)
        } catch let error as RunStoreError {
            throw UsageError(error.description)
        }
        let plan = try request.plan(storePath: storePath)
        let study = TransferStudy(
            settings: plan.settings, contextSet: plan.contextSet, store: plan.store, run: plan.run)
        let sweep = Sweep(
            study: study, folder: folder, backend: backend, parallel: request.parallel)
        sweep.packing = request.packing
        sweep.onEvent = { progress.handle($0) }
        Interrupt.install()
        sweep.shouldCancel = { Interrupt.isRequested }
        progress.log(
            "run \(plan.run.rawValue) '\(request.runName)' in \(storePath): "
                + "\(plan.scenario.environment.rawValue), \(plural(study.count, "context")), strategy "
                + "\(plan.scenario.strategy), backend \(backend.name), folder \(folder.path)")

        let start = Date()
        var result = TrainResult()
        do {
            if plan.scenario.strategy == "all" {
                let (units, multitask, matrix) = try sweep.runAll()
                result.units = units
                result.multitask = multitask
                result.matrix = matrix
                result.reports = try StrategyComparison.run(
                    matrix: matrix, plan: plan, store: plan.store)
            } else {
                let strategy = try plan.strategyName.makeStrategy(options: plan.selectionOptions)
                let batch = try BatchSelection(
                    strategy: strategy, size: request.batchSize,
                    gapSlope: plan.selectionOptions.gapSlope)
                result.steps = try sweep.runSelection(batch, budget: plan.scenario.budget)
                result.units = result.steps.map(\.unit)
            }
        } catch SweepError.cancelled {
            try plan.store.markRunInterrupted(plan.run)
            output.error(SweepError.cancelled.description)
            exit(130)
        } catch {
            try? plan.store.finishRun(
                plan.run, status: .failed, message: CommandLineTool.describe(error))
            throw error
        }
        result.trainingSeconds = Date().timeIntervalSince(start)
        try plan.store.finishRun(plan.run, status: .finished)
        if arguments.has("json") {
            output.log(TrainSummary.table(result, plan: plan))
            output.print(TrainSummary.json(result, plan: plan).rendered)
        } else {
            output.print(TrainSummary.table(result, plan: plan))
        }
    }

    /// Writes the first round's script (Slurm) or prints its commands (local), and nothing
    /// else: no run is created and nothing is submitted.
    static func dryRun(
        _ request: SweepRequest, folder: SweepFolder, backend: any SweepBackend,
        progress: SweepProgress, output: Output
    ) throws {
        let finished = Set(try folder.finishedUnits())
        let units = try request.firstRound().filter { !finished.contains($0) }
        guard !units.isEmpty else {
            progress.log(
                "dry run: every unit of the first round is already finished in "
                    + "\(folder.shardsPath); nothing to write")
            return
        }
        let tasks = request.packing.tasks(
            units: units, unitSteps: request.scenario.ppo.totalSteps, parallel: request.parallel)
        if let slurm = backend as? SlurmBackend {
            _ = try slurm.run(
                tasks: tasks, round: 0, folder: folder, onEvent: { progress.handle($0) },
                shouldCancel: { false })
        } else {
            let invocation = UnitInvocation(executable: request.executable)
            // The commands are the dry run's result, so they go to standard output.
            for task in tasks {
                output.print(
                    ([invocation.executable] + invocation.arguments(units: task, folder: folder))
                        .map(SlurmBackend.quoted).joined(separator: " "))
            }
        }
        let ran = backend is SlurmBackend ? "the script" : "these commands"
        progress.log(
            "dry run: wrote \(folder.manifestPath); nothing was submitted or stored. "
                + (request.scenario.strategy == "all"
                    ? "" : "Later rounds depend on this round's results. ")
                + "Rerun without --dry-run to run the sweep, or run \(ran) yourself and then "
                + "'ctxrl merge --sweep \(folder.path) --db STORE'.")
    }
}
