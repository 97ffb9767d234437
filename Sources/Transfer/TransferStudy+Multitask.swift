import Foundation
import Learning
import Numerics
import RunStore

/// The multi-task baseline: one policy trained on every context at once, with the context
/// appended to its observation.
public struct MultitaskResult: Sendable {
    /// The name of the step budget, such as `equal-total`.
    public let label: String
    /// The environment steps the policy trained for.
    public let totalSteps: Int
    /// The mean raw return on each target.
    public let means: [Double]
    /// The standard deviation of the return on each target.
    public let standardDeviations: [Double]
}

/// The step budgets of the multi-task baseline, named as its stored metric keys name them.
public enum MultitaskBudget: String, CaseIterable, Codable, Sendable {
    /// The steps of all N source trainings together: the cost of independent training.
    case equalTotal = "equal-total"
    /// The steps of one source training.
    case equalUnit = "equal-unit"

    /// Returns the environment steps of the multi-task training under this budget.
    public func totalSteps(unitSteps: Int, contexts: Int) -> Int {
        switch self {
        case .equalTotal: return unitSteps * contexts
        case .equalUnit: return unitSteps
        }
    }
}

extension TransferStudy {
    /// Trains the multi-task baseline under `budget`, or reads it back when it is stored.
    public func runMultitask(_ budget: MultitaskBudget) throws -> MultitaskResult {
        try runMultitask(label: budget.rawValue, totalSteps: totalSteps(budget))
    }

    /// The stored result of the multi-task baseline under `budget`, or nil when it must run.
    public func storedMultitask(_ budget: MultitaskBudget) throws -> MultitaskResult? {
        try storedMultitask(label: budget.rawValue, totalSteps: totalSteps(budget))
    }

    private func totalSteps(_ budget: MultitaskBudget) -> Int {
        budget.totalSteps(unitSteps: settings.ppo.totalSteps, contexts: count)
    }

    /// The stored result of the multi-task baseline named `label`, or nil when it must run.
    public func storedMultitask(label: String, totalSteps: Int) throws -> MultitaskResult? {
        let prefix = "multitask/\(label)/"
        let means = try store.metricHistory(run: run, key: prefix + "return_mean")
        let deviations = try store.metricHistory(run: run, key: prefix + "return_std")
        guard means.count == count && deviations.count == count else { return nil }
        return MultitaskResult(
            label: label, totalSteps: totalSteps, means: means.map(\.value),
            standardDeviations: deviations.map(\.value))
    }

    /// Trains one policy on all N contexts and evaluates it on each, or reads the result back
    /// when the run store already holds it.
    ///
    /// The contexts are assigned to the vectorized copies round robin, and the number of
    /// copies is raised to N when the settings have fewer, so that every context is trained
    /// on. The results are stored as run-level metrics `multitask/LABEL/return_mean` and
    /// `multitask/LABEL/return_std` with the target index as the step.
    ///
    /// - Parameters:
    ///   - label: names the budget in the stored metric keys.
    ///   - totalSteps: the environment steps of the whole training.
    /// - Throws: `TrainingError` from training, and the store's errors.
    public func runMultitask(label: String, totalSteps: Int) throws -> MultitaskResult {
        let prefix = "multitask/\(label)/"
        if let stored = try storedMultitask(label: label, totalSteps: totalSteps) {
            return stored
        }
        var configuration = settings.ppo
        configuration.totalSteps = totalSteps
        configuration.appendContext = true
        configuration.copies = max(configuration.copies, count)
        let seed = RandomStream(seed: settings.seed).child("multitask").child(label).seed
        var samples: [MetricSample] = []
        let policy = try TrainedPolicy.train(
            kind: kind, contexts: contextSet.contexts, configuration: configuration, seed: seed,
            onMetric: { record in
                samples.append(
                    MetricSample(key: prefix + record.key, step: record.step, value: record.value))
            },
            onProgress: { [weak self] progress in
                self?.onEvent?(.trainingProgress(source: -1, progress))
            },
            shouldCancel: shouldCancel)
        let results = try policy.evaluate(
            on: contextSet.contexts, episodes: settings.evaluationEpisodes, deterministic: true,
            seed: RandomStream(seed: seed).child("evaluation").seed)
        for (target, result) in results.enumerated() {
            samples.append(MetricSample(key: prefix + "return_mean", step: target, value: result.mean))
            samples.append(
                MetricSample(key: prefix + "return_std", step: target, value: result.standardDeviation))
        }
        try store.logMetrics(run: run, samples)
        return MultitaskResult(
            label: label, totalSteps: totalSteps, means: results.map(\.mean),
            standardDeviations: results.map(\.standardDeviation))
    }
}
