import Neural

/// The settings of one PPO training, stored whole with every run.
///
/// Each field's documentation line is also its `--help` text (see `PPOConfiguration.fields`).
/// Derived sizes (batch, minibatches, iterations) are computed properties, never stored.
public struct PPOConfiguration: Codable, Equatable, Sendable {
    /// Environment steps to train for, summed over all copies.
    public var totalSteps: Int = 100_000
    /// Environment copies stepped together during rollouts.
    public var copies: Int = 8
    /// Steps per copy in each rollout.
    public var rolloutSteps: Int = 32
    /// Passes over each rollout batch.
    public var epochs: Int = 20
    /// Samples per gradient step.
    public var minibatchSize: Int = 256
    /// Discount factor gamma.
    public var gamma: Double = 0.98
    /// GAE lambda.
    public var gaeLambda: Double = 0.8
    /// Adam learning rate, falling linearly to 0 when `linear_learning_rate` is true.
    public var learningRate: Double = 1e-3
    /// Whether the learning rate decays linearly to 0 over training.
    public var linearLearningRate: Bool = true
    /// PPO clip range epsilon for the probability ratio.
    public var clipRange: Double = 0.2
    /// Whether the clip range decays linearly to 0 over training.
    public var linearClipRange: Bool = true
    /// Clip range for the value function around the old values; null disables value
    /// clipping.
    public var valueClipRange: Double? = nil
    /// Weight of the entropy bonus.
    public var entropyCoefficient: Double = 0
    /// Weight of the value loss.
    public var valueCoefficient: Double = 0.5
    /// Maximum global L2 norm of the gradient.
    public var maxGradientNorm: Double = 0.5
    /// Hidden layer widths of the actor and of the critic.
    public var hiddenWidths: [Int] = [64, 64]
    /// Hidden activation (tanh or relu).
    public var activation: Activation = .tanh
    /// Whether observations are normalised by running mean and variance.
    public var normalizeObservations: Bool = false
    /// Bound on normalised observations.
    public var observationClip: Double = 10
    /// Initial log standard deviation of Gaussian policies.
    public var initialLogStd: Double = 0
    /// Whether the context, scaled to [0, 1] by its declared bounds, is appended to the
    /// observation (multi-task baselines).
    public var appendContext: Bool = false

    public init() {}

    // MARK: - Derived sizes

    /// Samples per rollout: `copies * rolloutSteps`.
    public var batchSize: Int { copies * rolloutSteps }
    /// Gradient steps per epoch (the last partial minibatch is kept).
    public var minibatchesPerEpoch: Int { (batchSize + minibatchSize - 1) / minibatchSize }
    /// Rollout-and-update iterations: `totalSteps / batchSize`, at least one.
    public var iterations: Int { max(1, totalSteps / batchSize) }

    /// The learning-rate schedule.
    public var learningRateSchedule: Schedule {
        linearLearningRate ? .linear(learningRate) : .constant(learningRate)
    }

    /// The clip-range schedule.
    public var clipRangeSchedule: Schedule {
        linearClipRange ? .linear(clipRange) : .constant(clipRange)
    }
}

// MARK: - Validation

/// An invalid PPO setting.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The field name, as in scenario files.
    public let field: String
    /// What is wrong and what to do.
    public let reason: String

    public var description: String { "PPO setting '\(field)' \(reason)" }
}

extension PPOConfiguration {
    /// Checks every field against its valid range.
    ///
    /// - Throws: `ConfigurationError` naming the first invalid field.
    public func validate() throws {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws {
            if !condition { throw ConfigurationError(field: field, reason: reason) }
        }
        try require(totalSteps >= 1, "totalSteps", "must be at least 1, got \(totalSteps)")
        try require(copies >= 1, "copies", "must be at least 1, got \(copies)")
        try require(rolloutSteps >= 1, "rolloutSteps", "must be at least 1, got \(rolloutSteps)")
        try require(epochs >= 1, "epochs", "must be at least 1, got \(epochs)")
        try require(minibatchSize >= 2, "minibatchSize",
                    "must be at least 2 for advantage normalisation, got \(minibatchSize)")
        try require(gamma > 0 && gamma <= 1, "gamma", "must be in (0, 1], got \(gamma)")
        try require(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda",
                    "must be in [0, 1], got \(gaeLambda)")
        try require(learningRate > 0 && learningRate.isFinite, "learningRate",
                    "must be positive, got \(learningRate)")
        try require(clipRange > 0 && clipRange.isFinite, "clipRange",
                    "must be positive, got \(clipRange)")
        if let valueClipRange {
            try require(valueClipRange > 0, "valueClipRange",
                        "must be positive or absent, got \(valueClipRange)")
        }
        try require(entropyCoefficient >= 0, "entropyCoefficient",
                    "must be non-negative, got \(entropyCoefficient)")
        try require(valueCoefficient >= 0, "valueCoefficient",
                    "must be non-negative, got \(valueCoefficient)")
        try require(maxGradientNorm > 0, "maxGradientNorm",
                    "must be positive, got \(maxGradientNorm)")
        try require(!hiddenWidths.isEmpty && hiddenWidths.allSatisfy { $0 >= 1 }, "hiddenWidths",
                    "must list at least one positive width, got \(hiddenWidths)")
        try require(observationClip > 0, "observationClip",
                    "must be positive, got \(observationClip)")
        try require(initialLogStd.isFinite, "initialLogStd", "must be finite")
    }
}
