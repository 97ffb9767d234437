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

    /// Runs every unit as one round and returns them in source order with their matrix.
    ///
    /// - Throws: `SweepError.unitsMissing` when tasks failed (the other units stay merged),
    ///   `.cancelled`, and the errors of the backend and the merge.
    public func runAll() throws -> (units: [TransferUnitResult], matrix: TransferMatrix) {
        let units = try complete(Array(0..<study.count), round: 0)
        return (units, study.matrix(units))
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
            let units = try complete(decisions.map(\.source), round: round)
            for (decision, unit) in zip(decisions, units) {
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
    /// `round`, merges again, and returns every unit's result in the order given.
    func complete(_ units: [Int], round: Int) throws -> [TransferUnitResult] {
        if shouldCancel?() == true { throw SweepError.cancelled }
        try merge()
        let missing = try units.filter { try study.storedUnit(source: $0) == nil }
        var failures: [TaskFailure] = []
        if !missing.isEmpty {
            let tasks = packing.tasks(
                missing, unitSteps: study.settings.ppo.totalSteps, parallel: parallel)
            onEvent?(.roundStarted(round: round, units: missing, tasks: tasks.count))
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
        }
        var results: [TransferUnitResult] = []
        var absent: [Int] = []
        for unit in units {
            if let result = try study.storedUnit(source: unit) {
                // A unit trained by this round's tasks is new, though read from the store.
                results.append(result.marked(wasStored: !missing.contains(unit)))
            } else {
                absent.append(unit)
            }
        }
        guard absent.isEmpty else {
            let logs = failures.isEmpty
                ? folder.logsPath : failures.map(\.log).joined(separator: ", ")
            throw SweepError.unitsMissing(units: absent, logs: logs)
        }
        return results
    }

    private func merge() throws {
        let merged = try folder.mergeShards(into: study.store, run: study.run).merged
        if !merged.isEmpty { onEvent?(.merged(units: merged.sorted())) }
    }
}
