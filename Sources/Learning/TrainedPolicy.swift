import Environments
import Foundation
import Neural
import Numerics

/// A trained PPO policy with everything needed to act and to reload it: the networks, the
/// observation pipeline, the environment kind and the settings it was trained with.
public final class TrainedPolicy {
    public let kind: EnvironmentKind
    public let configuration: PPOConfiguration
    public let policy: ActorCritic
    /// The pipeline as training left it; evaluation freezes a copy.
    public let pipeline: ObservationPipeline

    public init(
        kind: EnvironmentKind, configuration: PPOConfiguration, policy: ActorCritic,
        pipeline: ObservationPipeline
    ) {
        self.kind = kind
        self.configuration = configuration
        self.policy = policy
        self.pipeline = pipeline
    }

    /// Trains a policy on `contexts`, assigned to the copies round robin (copy `i` runs
    /// `contexts[i % contexts.count]`).
    ///
    /// - Throws: `ContextError` for an invalid context, `TrainingError` from training.
    public static func train(
        kind: EnvironmentKind, contexts: [Context], configuration: PPOConfiguration,
        seed: UInt64, onMetric: ((MetricRecord) -> Void)? = nil,
        onProgress: ((TrainingProgress) -> Void)? = nil, shouldCancel: (() -> Bool)? = nil
    ) throws -> TrainedPolicy {
        precondition(!contexts.isEmpty, "training needs at least one context")
        let copyContexts = (0..<configuration.copies).map { contexts[$0 % contexts.count] }
        let root = RandomStream(seed: seed)
        let environment = try kind.makeVectorEnvironment(
            contexts: copyContexts, seed: root.child("environments").seed)
        let features = copyContexts.map { scaledContext($0, kind: kind) }
        let trainer = try PPOTrainer(
            configuration: configuration, environment: environment, contextFeatures: features,
            seed: root.child("trainer").seed)
        trainer.onMetric = onMetric
        trainer.onProgress = onProgress
        trainer.shouldCancel = shouldCancel
        try trainer.train()
        return TrainedPolicy(
            kind: kind, configuration: configuration, policy: trainer.policy,
            pipeline: trainer.pipeline)
    }

    /// Scales the context to [0, 1] per feature by its declared bounds, as appended to
    /// observations.
    public static func scaledContext(_ context: Context, kind: EnvironmentKind) -> [Float] {
        kind.contextSpace.normalized(context).map(Float.init)
    }

    /// Evaluates the policy zero-shot on every context.
    ///
    /// - Throws: `ContextError` for an invalid context.
    public func evaluate(
        on contexts: [Context], episodes: Int, deterministic: Bool = true, seed: UInt64
    ) throws -> [EvaluationResult] {
        // Validate every context before the evaluation builds its copies.
        _ = try kind.makeVectorEnvironment(contexts: contexts, seed: seed)
        let features = configuration.appendContext
            ? contexts.map { TrainedPolicy.scaledContext($0, kind: kind) } : []
        return PolicyEvaluation.evaluate(
            policy: policy, pipeline: pipeline, contexts: contexts, contextFeatures: features,
            episodes: episodes, deterministic: deterministic, seed: seed
        ) { copyContexts, copySeed in
            // The contexts were validated above, so construction cannot fail.
            try! kind.makeVectorEnvironment(contexts: copyContexts, seed: copySeed)
        }
    }
}

// MARK: - Checkpoints

extension TrainedPolicy {
    /// Packs the policy into a checkpoint: parameters, normaliser statistics and, in the
    /// metadata, the environment kind and the settings as JSON.
    public func checkpoint() -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.add(policy)
        if let normalizer = pipeline.normalizer {
            let size = normalizer.dimension
            checkpoint.doubleTensors["normalizer.mean"] = Matrix(
                rows: 1, columns: size, storage: normalizer.mean)
            checkpoint.doubleTensors["normalizer.variance"] = Matrix(
                rows: 1, columns: size, storage: normalizer.variance)
            checkpoint.doubleTensors["normalizer.count"] = Matrix(
                rows: 1, columns: 1, storage: [normalizer.count])
        }
        checkpoint.metadata["environment"] = kind.rawValue
        let json = (try? JSONEncoder().encode(configuration)).map { String(decoding: $0, as: UTF8.self) }
        checkpoint.metadata["ppo_configuration"] = json ?? "{}"
        checkpoint.metadata["format"] = "ctxrl-policy-1"
        return checkpoint
    }

    /// Rebuilds a policy from `checkpoint()`.
    ///
    /// - Throws: `CheckpointError` when the checkpoint is not a ctxrl policy or a tensor is
    ///   missing or has another shape.
    public static func load(from checkpoint: Checkpoint) throws -> TrainedPolicy {
        guard let name = checkpoint.metadata["environment"], let kind = EnvironmentKind(name: name)
        else { throw CheckpointError.malformed("no known environment in the metadata") }
        guard let json = checkpoint.metadata["ppo_configuration"],
            let configuration = try? JSONDecoder().decode(
                PPOConfiguration.self, from: Data(json.utf8))
        else { throw CheckpointError.malformed("no PPO settings in the metadata") }
        var pipeline = ObservationPipeline(
            observationSize: kind.observationSize,
            normalize: configuration.normalizeObservations, clip: configuration.observationClip)
        let contextWidth = configuration.appendContext ? kind.contextSpace.features.count : 0
        if let mean = checkpoint.doubleTensors["normalizer.mean"],
            let variance = checkpoint.doubleTensors["normalizer.variance"],
            let count = checkpoint.doubleTensors["normalizer.count"]
        {
            pipeline.normalizer = RunningMeanVariance(
                mean: mean.storage, variance: variance.storage, count: count.storage[0])
        }
        var unused = RandomStream(seed: 0)
        let policy = ActorCritic(
            inputSize: kind.observationSize + contextWidth, actionSpace: kind.actionSpace,
            hiddenWidths: configuration.hiddenWidths, activation: configuration.activation,
            initialLogStd: configuration.initialLogStd, rng: &unused)
        try checkpoint.load(into: policy)
        return TrainedPolicy(
            kind: kind, configuration: configuration, policy: policy, pipeline: pipeline)
    }
}

// MARK: - Acting on one observation

extension TrainedPolicy {
    /// A function that returns the policy's deterministic action for one raw observation of
    /// an environment in `context`, for rollouts and rendering: the argmax for discrete
    /// actions, the mean clipped to the context's action bounds for continuous ones.
    ///
    /// - Throws: `ContextError` for an invalid context.
    public func deterministicActor(context: Context) throws -> ([Float]) -> Double {
        let bounds = try kind.makeVectorEnvironment(contexts: [context], seed: 0)
            .actionBounds(copy: 0)
        var frozen = pipeline
        frozen.isFrozen = true
        frozen.contextFeatures =
            configuration.appendContext ? [TrainedPolicy.scaledContext(context, kind: kind)] : []
        var unused = RandomStream(seed: 0)
        let policy = self.policy
        return { observation in
            let (actions, _) = policy.act(
                frozen.inputs(observation), deterministic: true, rng: &unused)
            let action = actions.storage[0]
            guard let lower = bounds.lower.first, let upper = bounds.upper.first else {
                return action
            }
            return min(max(action, lower), upper)
        }
    }
}
