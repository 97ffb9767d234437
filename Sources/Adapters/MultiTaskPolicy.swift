import Environments
import Learning
import Neural
import Numerics

/// A policy (or set of policies) trained on several source contexts, of any
/// `MultiTaskPolicyKind`, with zero-shot evaluation on any list of contexts.
///
/// `configuration.totalSteps` is the budget of the whole training, summed over sources:
/// `mlp` gives each source's policy an equal share, and the other kinds train one model on
/// every source at once, copy `i` running source `i % sources.count`.
public final class MultiTaskPolicy {
    /// The trained networks of each kind.
    public enum Model {
        /// One policy per source, in source order (`mlp`).
        case independent([TrainedPolicy])
        /// One MLP whose input includes the scaled context (`shared`).
        case shared(TrainedPolicy)
        /// A shared base with adapters, and the observation pipeline it was trained with
        /// (`lora`, `mhr`, `openbook`).
        case adapted(AdaptedActorCritic, ObservationPipeline)
    }

    /// The model kind.
    public let kind: MultiTaskPolicyKind
    /// The environment the sources belong to.
    public let environment: EnvironmentKind
    /// The validated source contexts, in training order.
    public let sources: [Context]
    /// The PPO settings as trained: `appendContext` set by the kind, each source's share of
    /// `totalSteps` for `mlp`, and the matched hidden widths for `shared`.
    public let configuration: PPOConfiguration
    /// The adapter settings of the training.
    public let settings: AdapterSettings
    /// The features that the context book and nearest-source choice read.
    public let encoder: ContextEncoder
    /// The trained networks.
    public let model: Model

    public init(
        kind: MultiTaskPolicyKind, environment: EnvironmentKind, sources: [Context],
        configuration: PPOConfiguration, settings: AdapterSettings, encoder: ContextEncoder,
        model: Model
    ) {
        self.kind = kind
        self.environment = environment
        self.sources = sources
        self.configuration = configuration
        self.settings = settings
        self.encoder = encoder
        self.model = model
    }

    // MARK: - Training

    /// Trains a model of `kind` on `sources`.
    ///
    /// - Parameters:
    ///   - configuration: PPO settings; `appendContext` is set by the kind (on for `shared`,
    ///     off otherwise), and `shared` replaces the hidden widths by the matched width.
    ///   - seed: fixes every random draw; two trainings with one seed are bit-identical.
    /// - Throws: `AdapterError.invalidSetting` for invalid adapter settings, no sources, or
    ///   fewer copies than sources; `ContextError` for an invalid context; `TrainingError`
    ///   from training.
    public static func train(
        kind: MultiTaskPolicyKind, environment: EnvironmentKind, sources: [Context],
        configuration: PPOConfiguration, settings: AdapterSettings = AdapterSettings(),
        seed: UInt64, onMetric: ((MultiTaskMetric) -> Void)? = nil,
        onProgress: ((MultiTaskProgress) -> Void)? = nil, shouldCancel: (() -> Bool)? = nil
    ) throws -> MultiTaskPolicy {
        try settings.validate()
        guard !sources.isEmpty else {
            throw AdapterError.invalidSetting(field: "sources", reason: "must list at least one context")
        }
        let space = environment.contextSpace
        let validated = try sources.map { try space.validated($0) }
        let encoder = ContextEncoder(scaledSources: validated.map(space.normalized))
        let root = RandomStream(seed: seed)
        let sourceCount = validated.count
        var adjusted = configuration
        adjusted.appendContext = kind == .shared
        let model: Model

        switch kind {
        case .mlp:
            adjusted.totalSteps = max(1, configuration.totalSteps / sourceCount)
            model = .independent(
                try validated.enumerated().map { index, source in
                    try TrainedPolicy.train(
                        kind: environment, contexts: [source], configuration: adjusted,
                        seed: root.child("source-\(index)").seed,
                        onMetric: onMetric.map { forward in
                            { forward(MultiTaskMetric(record: $0, source: index)) }
                        },
                        onProgress: onProgress.map { forward in
                            { forward(MultiTaskProgress($0, training: index, trainings: sourceCount)) }
                        },
                        shouldCancel: shouldCancel)
                })
        case .shared:
            let target = adapterParameterCount(
                kind: settings.sharedMatches, environment: environment,
                configuration: configuration, settings: settings, sourceCount: sourceCount)
            let width = sharedHiddenWidth(
                matching: target, inputSize: environment.observationSize + space.features.count,
                actionSpace: environment.actionSpace, layers: configuration.hiddenWidths.count)
            adjusted.hiddenWidths = Array(repeating: width, count: configuration.hiddenWidths.count)
            model = .shared(
                try TrainedPolicy.train(
                    kind: environment, contexts: validated, configuration: adjusted,
                    seed: root.child("shared").seed,
                    onMetric: onMetric.map { forward in
                        { forward(MultiTaskMetric(record: $0, source: nil)) }
                    },
                    onProgress: onProgress.map { forward in
                        { forward(MultiTaskProgress($0, training: 0, trainings: 1)) }
                    },
                    shouldCancel: shouldCancel))
        case .lora, .mhr, .openbook:
            guard configuration.copies >= sourceCount else {
                throw AdapterError.invalidSetting(
                    field: "copies",
                    reason: "must be at least the number of sources (\(sourceCount)) so that "
                        + "every source has a copy, got \(configuration.copies)")
            }
            let copySources = (0..<configuration.copies).map { $0 % sourceCount }
            let vector = try environment.makeVectorEnvironment(
                contexts: copySources.map { validated[$0] }, seed: root.child("environments").seed)
            var initialization = root.child("initialization")
            let network = AdaptedActorCritic(
                kind: kind, settings: settings, inputSize: environment.observationSize,
                actionSpace: environment.actionSpace, hiddenWidths: configuration.hiddenWidths,
                activation: configuration.activation, initialLogStd: configuration.initialLogStd,
                sourceFeatures: validated.map { encoder.features(scaled: space.normalized($0)) },
                rng: &initialization)
            let trainer = try MultiTaskPPOTrainer(
                configuration: adjusted, policy: network, environment: vector,
                copySources: copySources, seed: root.child("trainer").seed)
            trainer.onMetric = onMetric
            trainer.onProgress = onProgress
            trainer.shouldCancel = shouldCancel
            try trainer.train()
            model = .adapted(network, trainer.pipeline)
        }
        return MultiTaskPolicy(
            kind: kind, environment: environment, sources: validated, configuration: adjusted,
            settings: settings, encoder: encoder, model: model)
    }

    // MARK: - Zero-shot evaluation

    /// Evaluates the model zero-shot on every target context.
    ///
    /// Adapter models fold each target's mixture into a plain `ActorCritic` (see
    /// `AdaptedActorCritic.merged(for:)`) and run `PolicyEvaluation`; targets that share a
    /// mixture are evaluated in one batch. `mlp` models act with the nearest source's policy.
    /// `shared` models see the target's context, so `mode` does not change them.
    ///
    /// - Returns: one result per target, in order.
    /// - Throws: `ContextError` for an invalid target. `AdapterError.unsupportedZeroShotMode`
    ///   for `openBook` on a model without a book, and for any mode but `nearestSource` on an
    ///   `mlp` model.
    public func evaluate(
        on targets: [Context], mode: ZeroShotMode = .nearestSource, episodes: Int,
        deterministic: Bool = true, seed: UInt64
    ) throws -> [EvaluationResult] {
        let space = environment.contextSpace
        let validated = try targets.map { try space.validated($0) }
        switch model {
        case .shared(let policy):
            return try policy.evaluate(
                on: validated, episodes: episodes, deterministic: deterministic, seed: seed)
        case .independent(let policies):
            guard mode == .nearestSource else {
                throw AdapterError.unsupportedZeroShotMode(mode: mode.rawValue, kind: kind.rawValue)
            }
            let choices = validated.map { nearestSource(to: $0) }
            return try evaluateGrouped(keys: choices, targets: validated) { source, group in
                try policies[source].evaluate(
                    on: group, episodes: episodes, deterministic: deterministic, seed: seed)
            }
        case .adapted(let network, let pipeline):
            let requests = try validated.map { try mixtureRequest(for: $0, mode: mode) }
            let environment = self.environment
            return evaluateGrouped(keys: requests, targets: validated) { request, group in
                PolicyEvaluation.evaluate(
                    policy: network.merged(for: network.resolve(request)), pipeline: pipeline,
                    contexts: group, episodes: episodes, deterministic: deterministic, seed: seed
                ) { copyContexts, copySeed in
                    // The targets were validated above, so construction cannot fail.
                    try! environment.makeVectorEnvironment(contexts: copyContexts, seed: copySeed)
                }
            }
        }
    }

    /// Evaluates the targets in groups of equal key, in the order keys first appear, and
    /// returns the results in target order.
    private func evaluateGrouped<Key: Hashable>(
        keys: [Key], targets: [Context],
        evaluate: (Key, [Context]) throws -> [EvaluationResult]
    ) rethrows -> [EvaluationResult] {
        var order: [Key] = []
        var members: [Key: [Int]] = [:]
        for (index, key) in keys.enumerated() {
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(index)
        }
        var results = [EvaluationResult?](repeating: nil, count: targets.count)
        for key in order {
            let indices = members[key]!
            let groupResults = try evaluate(key, indices.map { targets[$0] })
            for (index, result) in zip(indices, groupResults) { results[index] = result }
        }
        return results.map { $0! }
    }

    /// Returns the mixture request an adapter model uses for `context` under `mode`.
    ///
    /// - Throws: `AdapterError.unsupportedZeroShotMode` for `openBook` without a book.
    public func mixtureRequest(for context: Context, mode: ZeroShotMode) throws -> MixtureRequest {
        switch mode {
        case .nearestSource:
            return .source(nearestSource(to: context))
        case .uniform:
            return .uniform
        case .openBook:
            guard kind == .openbook else {
                throw AdapterError.unsupportedZeroShotMode(mode: mode.rawValue, kind: kind.rawValue)
            }
            return .attention(features: features(of: context))
        }
    }

    /// Returns the index of the source nearest to `context`, the first on ties.
    ///
    /// The distance is L1 between the contexts scaled to [0, 1] by their declared bounds.
    public func nearestSource(to context: Context) -> Int {
        let space = environment.contextSpace
        return ContextEncoder.nearest(
            to: space.normalized(context), among: sources.map(space.normalized))
    }

    /// Returns the standardised features of `context`, as the book reads them.
    public func features(of context: Context) -> [Float] {
        encoder.features(scaled: environment.contextSpace.normalized(context))
    }

    /// Returns the book's attention weights of each target over the sources, `targets x
    /// sources`, each row summing to 1.
    ///
    /// - Throws: `AdapterError.missingContextBook` unless the model is `openbook`, and
    ///   `ContextError` for an invalid target.
    public func attentionWeights(targets: [Context]) throws -> Matrix<Double> {
        guard case .adapted(let network, _) = model, let book = network.router.book else {
            throw AdapterError.missingContextBook(kind: kind.rawValue)
        }
        let space = environment.contextSpace
        var result = Matrix<Double>(rows: targets.count, columns: sources.count)
        for (row, target) in targets.enumerated() {
            let weights = book.attend(features(of: try space.validated(target))).weights
            result.setRow(row, to: weights)
        }
        return result
    }
}

// MARK: - Callback adapters

extension MultiTaskMetric {
    /// Creates the metric of `record`, attributed to `source`.
    init(record: MetricRecord, source: Int?) {
        self.init(key: record.key, step: record.step, value: record.value, source: source)
    }
}

extension MultiTaskProgress {
    /// Creates the progress of training number `training` of `trainings`.
    init(_ progress: TrainingProgress, training: Int, trainings: Int) {
        self.init(
            training: training, trainings: trainings, update: progress.update,
            updates: progress.updates, steps: progress.steps, recentReturn: progress.recentReturn)
    }
}
