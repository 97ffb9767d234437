import Foundation
import RunStore
import Transfer

/// A transfer study whose units run on a backend (local processes or a Slurm job array)
/// instead of in this process, each unit into its own shard, merged into the run store
/// after every round.
///
/// A round is a set of units that can run at once: every unit for `--strategy all`, or the
/// Q sources that a `BatchSelection` chooses before any of them is trained. Before and after
/// each round every shard of the folder is merged, and a unit already finished in the run
/// store is not run again. So rerunning a sweep after a failed or killed task runs only the
/// units that are missing.
public final class Sweep {
    /// The study on the run store; units run elsewhere and are read back from it.
    public let study: TransferStudy
    public let folder: SweepFolder
    public let backend: any SweepBackend
    /// The maximum number of tasks running at once.
    public let parallel: Int
    public var packing = UnitPacking()
    /// Receives progress from the calling thread.
    public var onEvent: ((SweepEvent) -> Void)?
    /// Asked while tasks run and between rounds; true stops the sweep with
    /// `SweepError.cancelled`.
    public var shouldCancel: (() -> Bool)?

    public init(study: TransferStudy, folder: SweepFolder, backend: any SweepBackend, parallel: Int)
    {
        self.study = study
        self.folder = folder
        self.backend = backend
        self.parallel = parallel
    }

    /// Runs every transfer unit and both multi-task baselines as one round, and returns the
    /// units in source order with their matrix, which carries the equal-total baseline's
    /// returns as its multi-task row.
    ///
    /// - Throws: `SweepError.unitsMissing` when tasks failed (the other units stay merged),
    ///   `.cancelled`, and the errors of the backend and the merge.
    public func runAll() throws -> (
        units: [TransferUnitResult], multitask: [MultitaskResult], matrix: TransferMatrix
    ) {
        let sources = (0..<study.count).map(SweepUnit.source)
        let baselines = MultitaskBudget.allCases.map(SweepUnit.multitask)
        let ranNow = try complete(sources + baselines, round: 0)
        let units = try (0..<study.count).map { source in
            try study.storedUnit(source: source)!.marked(
                wasStored: !ranNow.contains(.source(source)))
        }
        let multitask = try MultitaskBudget.allCases.map { try study.storedMultitask($0)! }
        let plain = study.matrix(units)
        let matrix = TransferMatrix(
            returns: plain.returns, returnBounds: plain.returnBounds, labels: plain.labels,
            multitaskReturns: multitask.first { $0.label == MultitaskBudget.equalTotal.rawValue }?
                .means)
        return (units, multitask, matrix)
    }

    /// Runs a selection round by round: each round chooses up to Q sources with `batch`,
    /// runs their units at once, and records one selection step per source.
    ///
    /// - Throws: As `runAll()`, and `SelectionError` and the strategy's model errors.
    public func runSelection(_ batch: BatchSelection, budget: Int) throws -> [StudyStep] {
        let problem = try SelectionProblem(geometry: study.contextSet.geometry, budget: budget)
        var observations: [SelectionObservation] = []
        var steps: [StudyStep] = []
        var round = 0
        while observations.count < budget {
            let decisions = try batch.nextRound(problem: problem, observations: observations)
            let ranNow = try complete(decisions.map { .source($0.source) }, round: round)
            for decision in decisions {
                let unit = try study.storedUnit(source: decision.source)!
                    .marked(wasStored: !ranNow.contains(.source(decision.source)))
                steps.append(
                    try study.recordStep(
                        strategy: batch.strategy.name, decision: decision, unit: unit,
                        observations: &observations))
            }
            round += 1
        }
        return steps
    }

    /// Merges the shards, runs the units of `units` that are still missing as round
    /// `round`, and merges again.
    ///
    /// - Returns: The units this call ran; the others were already finished.
    /// - Throws: `SweepError.unitsMissing` when a unit is still missing after its task.
    func complete(_ units: [SweepUnit], round: Int) throws -> Set<SweepUnit> {
        if shouldCancel?() == true { throw SweepError.cancelled }
        try merge()
        let missing = try units.filter { try !study.hasFinished($0) }
        guard !missing.isEmpty else { return [] }

        let tasks = packing.tasks(
            units: missing, unitSteps: study.settings.ppo.totalSteps, parallel: parallel)
        onEvent?(.roundStarted(round: round, units: missing, tasks: tasks.count))
        let failures: [TaskFailure]
        do {
            failures = try backend.run(
                tasks: tasks, round: round, folder: folder, onEvent: { self.onEvent?($0) },
                shouldCancel: { self.shouldCancel?() ?? false })
        } catch SweepError.cancelled {
            // Keep what the stopped tasks finished, so that the run store shows it now.
            try? merge()
            throw SweepError.cancelled
        }
        try merge()

        let absent = try missing.filter { try !study.hasFinished($0) }
        guard absent.isEmpty else {
            let logs = failures.isEmpty
                ? folder.logsPath : failures.map(\.log).joined(separator: ", ")
            throw SweepError.unitsMissing(units: absent, logs: logs)
        }
        return Set(missing)
    }

    private func merge() throws {
        let merge = try folder.mergeShards(into: study.store, run: study.run)
        let baselines = MultitaskBudget.allCases.filter { budget in
            merge.metricKeys.contains("multitask/\(budget.rawValue)/return_mean")
        }
        let units = merge.merged.sorted().map(SweepUnit.source) + baselines.map(SweepUnit.multitask)
        if !units.isEmpty { onEvent?(.merged(units: units)) }
    }
}
