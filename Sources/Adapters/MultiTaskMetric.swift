/// One logged value of a multi-task training.
///
/// Keys are the PPO names of `Learning.MetricName` (`charts/episodic_return`,
/// `losses/value`, ...) plus those of `AdapterMetricName`.
public struct MultiTaskMetric: Equatable, Sendable {
    /// The namespaced metric name.
    public let key: String
    /// The environment step of the training that logged it.
    public let step: Int
    /// The value.
    public let value: Double
    /// The source the value belongs to, or nil for a value of the whole model.
    public let source: Int?

    public init(key: String, step: Int, value: Double, source: Int?) {
        self.key = key
        self.step = step
        self.value = value
        self.source = source
    }
}

/// The progress of a multi-task training, reported after every update.
public struct MultiTaskProgress: Equatable, Sendable {
    /// The index of the running training: the source index for `mlp` models, which train one
    /// policy per source, and 0 otherwise.
    public let training: Int
    /// The number of trainings: the number of sources for `mlp` models, 1 otherwise.
    public let trainings: Int
    /// Updates finished in the running training.
    public let update: Int
    /// Updates planned for the running training.
    public let updates: Int
    /// Environment steps taken by the running training.
    public let steps: Int
    /// The mean raw return of the episodes finished in this update, if any finished.
    public let recentReturn: Double?

    public init(
        training: Int, trainings: Int, update: Int, updates: Int, steps: Int,
        recentReturn: Double?
    ) {
        self.training = training
        self.trainings = trainings
        self.update = update
        self.updates = updates
        self.steps = steps
        self.recentReturn = recentReturn
    }
}

/// The names of the metrics that adapter trainings log beyond PPO's.
public enum AdapterMetricName {
    /// The open-book gate of the policy network for one source, after each update.
    public static let policyGate = "adapters/policy_gate"
    /// The open-book gate of the value network for one source, after each update.
    public static let valueGate = "adapters/value_gate"
    /// The attention weight a source gives itself in the book, after each update.
    public static let selfAttention = "adapters/self_attention"
}
