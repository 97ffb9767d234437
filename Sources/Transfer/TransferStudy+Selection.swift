import Dispatch
import Foundation
import RunStore

/// One step of an online selection: the strategy's decision, the unit it trained, and the
/// generalized performance of every source trained so far.
public struct StudyStep: Sendable {
    public let decision: SelectionDecision
    public let unit: TransferUnitResult
    /// `V_k = mean_j max_{i in S_k} T[i][j]` after this step.
    public let generalizedPerformance: Double
}

extension TransferStudy {
    /// Runs `strategy` online for `budget` steps: each step chooses a source from the
    /// observations so far, runs its unit (or reads it back), and records the step with the
    /// model's predictions for every candidate.
    ///
    /// Because strategies are deterministic in their observations and units are idempotent,
    /// rerunning an interrupted selection makes the same choices and trains only what is
    /// missing.
    ///
    /// - Throws: `SelectionError` for a budget outside 1...N, the strategy's model errors, and
    ///   the errors of `runUnit(source:store:)`.
    public func runSelection(strategy: any SelectionStrategy, budget: Int) throws -> [StudyStep] {
        let problem = try SelectionProblem(geometry: contextSet.geometry, budget: budget)
        var observations: [SelectionObservation] = []
        var steps: [StudyStep] = []
        for _ in 0..<budget {
            let decision = try strategy.nextSource(problem: problem, observations: observations)
            let unit = try runUnit(source: decision.source)
            steps.append(
                try recordStep(
                    strategy: strategy.name, decision: decision, unit: unit,
                    observations: &observations))
        }
        return steps
    }

    /// Adds a finished unit to the observations and records the selection step that chose it,
    /// with `V_k` over every observation so far.
    ///
    /// - Throws: `SQLiteError` or `RunStoreError` from the store.
    public func recordStep(
        strategy: String, decision: SelectionDecision, unit: TransferUnitResult,
        observations: inout [SelectionObservation]
    ) throws -> StudyStep {
        observations.append(observation(unit))
        let value = SelectionObservation.generalizedPerformance(observations, targetCount: count)
        try store.recordSelectionStep(
            run: run,
            SelectionStep(
                strategy: strategy, step: observations.count - 1, chosenIndex: decision.source,
                candidates: decision.candidates, predictedMeans: decision.predictedMeans,
                predictedStandardDeviations: decision.predictedStandardDeviations,
                acquisitionValues: decision.acquisitionValues, generalizedPerformance: value))
        return StudyStep(decision: decision, unit: unit, generalizedPerformance: value)
    }

    /// Builds the transfer matrix of units given in source order, one per context.
    public func matrix(_ units: [TransferUnitResult]) -> TransferMatrix {
        precondition(units.map(\.source) == Array(0..<count), "one unit per source, in order")
        return TransferMatrix(
            returns: units.map(\.means), returnBounds: kind.returnBounds,
            labels: (0..<count).map { contextSet.label(at: $0) })
    }

    /// Runs every unit, `parallelism` at a time, and returns the units in source order with
    /// the full transfer matrix they make.
    ///
    /// Each worker opens its own connection to the store file: connections are not shared
    /// between threads, and SQLite's WAL journal with a busy timeout serialises the writes.
    /// With `parallelism` 1 everything runs on the calling thread and connection.
    ///
    /// - Throws: the first error of any unit, after the other workers stop taking new units.
    public func runAllUnits(parallelism: Int) throws -> (
        units: [TransferUnitResult], matrix: TransferMatrix
    ) {
        var results = [TransferUnitResult?](repeating: nil, count: count)
        if parallelism <= 1 || count == 1 {
            for source in 0..<count { results[source] = try runUnit(source: source) }
        } else {
            let pool = UnitPool(study: self, storePath: store.path)
            DispatchQueue.concurrentPerform(iterations: min(parallelism, count)) { _ in
                pool.work()
            }
            if let error = pool.firstError { throw error }
            results = pool.results
        }
        let units = results.map { $0! }
        return (units, matrix(units))
    }
}

/// Hands out unit indices to worker threads and collects their results.
///
/// Marked `@unchecked Sendable` because every mutable member is guarded by `lock`, and the
/// study it calls is read-only apart from its callbacks, which the caller must make safe to
/// call from several threads.
final class UnitPool: @unchecked Sendable {
    private let lock = NSLock()
    private let study: TransferStudy
    private let storePath: String
    private var next = 0
    private(set) var results: [TransferUnitResult?]
    private(set) var firstError: (any Error)?

    init(study: TransferStudy, storePath: String) {
        self.study = study
        self.storePath = storePath
        results = Array(repeating: nil, count: study.count)
    }

    private func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard firstError == nil, next < results.count else { return nil }
        next += 1
        return next - 1
    }

    func work() {
        let store: RunStore
        do {
            store = try RunStore(path: storePath)
        } catch {
            record(error: error)
            return
        }
        while let source = take() {
            do {
                let result = try study.runUnit(source: source, store: store)
                lock.lock()
                results[source] = result
                lock.unlock()
            } catch {
                record(error: error)
            }
        }
    }

    private func record(error: any Error) {
        lock.lock()
        if firstError == nil { firstError = error }
        lock.unlock()
    }
}
