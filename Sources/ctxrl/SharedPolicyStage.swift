import Adapters
import Environments
import Foundation
import Learning
import Neural
import Numerics
import RunStore
import Transfer

/// The shared multi-task policy of the main job, trained on the chosen sources and evaluated
/// zero-shot on every context.
struct SharedPolicyResult {
    let kind: MultiTaskPolicyKind
    let mode: ZeroShotMode
    let results: [EvaluationResult]
    /// `mean_j` of the normalised return on each target.
    let generalizedPerformance: Double
    let counts: ParameterCounts
    /// Parameters of K independent 64-64 policies, for comparison.
    let independentParameterCount: Int
    /// Attention of every target over the sources, for open-book models.
    let attention: Matrix<Double>?
    let trainingSeconds: Double
}

/// Glue between the study and `Adapters`: trains, evaluates and stores the shared policy.
///
/// Stored rows: run-level metrics `shared/<kind>/return_mean` and `.../return_std` with the
/// target index as step, `shared/<kind>/generalized_performance`, the training curve under
/// `shared/<kind>/charts/...` and `shared/<kind>/losses/...`, attention series
/// `shared/attention/source_<i>` (target index as step), and the checkpoints
/// `shared/<kind>/policy` and `shared/attention` (the targets x sources matrix).
enum SharedPolicyStage {
    /// Returns the zero-shot rule each kind uses on targets it never trained on.
    static func mode(for kind: MultiTaskPolicyKind) -> ZeroShotMode {
        switch kind {
        case .openbook: return .openBook
        case .mhr: return .uniform
        case .mlp, .shared, .lora: return .nearestSource
        }
    }

    static func run(
        kind: MultiTaskPolicyKind, sources: [Int], plan: TrainPlan, progress: StudyProgress
    ) throws -> SharedPolicyResult {
        let environment = plan.scenario.environment
        let contexts = plan.contextSet.contexts
        var configuration = plan.scenario.ppo
        // The shared model gets the steps the independent policies used in total, and at
        // least one environment copy per source.
        configuration.totalSteps = plan.scenario.ppo.totalSteps * sources.count
        configuration.copies = max(configuration.copies, sources.count)
        let seed = RandomStream(seed: plan.scenario.seed).child("shared-policy").seed
        var samples: [MetricSample] = []
        let prefix = "shared/\(kind.rawValue)/"
        let start = Date()
        let policy = try MultiTaskPolicy.train(
            kind: kind, environment: environment, sources: sources.map { contexts[$0] },
            configuration: configuration, seed: seed,
            onMetric: { metric in
                samples.append(
                    MetricSample(key: prefix + metric.key, step: metric.step, value: metric.value))
            },
            onProgress: { state in
                progress.training(
                    label: "shared \(kind.rawValue)", update: state.update, updates: state.updates,
                    recentReturn: state.recentReturn)
            },
            shouldCancel: { Interrupt.isRequested })
        let seconds = Date().timeIntervalSince(start)
        progress.finishLine()

        let mode = mode(for: kind)
        let results = try policy.evaluate(
            on: contexts, mode: mode, episodes: plan.scenario.evaluationEpisodes, seed: seed)
        let normalized = results.map {
            TransferMatrix.normalizedPerformance($0.mean, returnBounds: environment.returnBounds)
        }
        let value = normalized.reduce(0, +) / Double(normalized.count)
        let attention = kind == .openbook ? try policy.attentionWeights(targets: contexts) : nil

        for (target, result) in results.enumerated() {
            samples.append(MetricSample(key: prefix + "return_mean", step: target, value: result.mean))
            samples.append(
                MetricSample(key: prefix + "return_std", step: target, value: result.standardDeviation))
        }
        samples.append(MetricSample(key: prefix + "generalized_performance", step: 0, value: value))
        if let attention {
            for target in 0..<attention.rows {
                for (column, source) in sources.enumerated() {
                    samples.append(MetricSample(
                        key: "shared/attention/source_\(source)", step: target,
                        value: attention[target, column]))
                }
            }
            var matrix = Checkpoint()
            matrix.doubleTensors["attention"] = attention
            matrix.metadata["rows"] = "targets in context order"
            matrix.metadata["columns"] = "sources " + sources.map(String.init).joined(separator: ",")
            try plan.store.saveCheckpoint(run: plan.run, name: "shared/attention", data: matrix.encoded())
        }
        try plan.store.logMetrics(run: plan.run, samples)
        try plan.store.saveCheckpoint(
            run: plan.run, name: prefix + "policy", data: policy.checkpoint().encoded())

        let widths = plan.scenario.ppo.hiddenWidths
        let independent = MultiTaskPolicy.actorCriticParameterCount(
            inputSize: environment.observationSize, actionSpace: environment.actionSpace,
            width: widths[0], layers: widths.count) * sources.count
        return SharedPolicyResult(
            kind: kind, mode: mode, results: results, generalizedPerformance: value,
            counts: policy.parameterCounts, independentParameterCount: independent,
            attention: attention, trainingSeconds: seconds)
    }
}
