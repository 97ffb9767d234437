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

extension TransferStudy {
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
        let storedMeans = try store.metricHistory(run: run, key: prefix + "return_mean")
        let storedDeviations = try store.metricHistory(run: run, key: prefix + "return_std")
        if storedMeans.count == count && storedDeviations.count == count {
            return MultitaskResult(
                label: label, totalSteps: totalSteps, means: storedMeans.map(\.value),
                standardDeviations: storedDeviations.map(\.value))
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
