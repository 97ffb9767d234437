import Foundation

/// One value of a metric to log, such as `charts/episodic_return` at step 2048.
public struct MetricSample: Sendable, Codable {
    /// A namespaced metric name, such as `losses/value`.
    public var key: String
    /// The training step (or selection step) the value belongs to; may be negative.
    public var step: Int
    /// The value; NaN and the infinities are stored and read back unchanged.
    public var value: Double
    /// The wall-clock time of the measurement.
    public var time: Date

    public init(key: String, step: Int, value: Double, time: Date = Date()) {
        self.key = key
        self.step = step
        self.value = value
        self.time = time
    }
}

/// One row of the `metrics` table.
public struct MetricRecord: Sendable, Codable {
    /// The training the value belongs to, or nil for a run-level metric.
    public var training: TrainingID?
    public var key: String
    public var step: Int
    public var value: Double
    public var time: Date
}

/// The zero-shot evaluation of the policy trained on one source context on one target.
public struct Evaluation: Sendable, Codable {
    /// The index of the source context the policy was trained on.
    public var source: Int
    /// The index of the target context it was evaluated on.
    public var target: Int
    public var episodes: Int
    /// The mean episodic return; NaN when no episode finished.
    public var mean: Double
    /// The standard deviation of the episodic return; NaN when it is undefined.
    public var standardDeviation: Double
    public var time: Date

    public init(
        source: Int, target: Int, episodes: Int, mean: Double, standardDeviation: Double,
        time: Date = Date()
    ) {
        self.source = source
        self.target = target
        self.episodes = episodes
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.time = time
    }
}

/// One step of a source-selection strategy, with the model's predictions behind the choice.
///
/// `candidates`, `predictedMeans`, `predictedStandardDeviations` and `acquisitionValues` run
/// in parallel: entry `i` of each belongs to context `candidates[i]`. A step with no model,
/// such as step 0 of MBTL-GP, leaves them all empty.
public struct SelectionStep: Sendable, Codable {
    /// The strategy name, such as "mbtl-gp" or "random".
    public var strategy: String
    /// The 0-based step k.
    public var step: Int
    /// The index of the chosen source context.
    public var chosenIndex: Int
    /// Context indexes of the candidates the model scored.
    public var candidates: [Int]
    /// The GP posterior mean of training performance per candidate.
    public var predictedMeans: [Double]
    /// The GP posterior standard deviation per candidate.
    public var predictedStandardDeviations: [Double]
    /// The acquisition value per candidate.
    public var acquisitionValues: [Double]
    /// The generalized performance V(S) after training the chosen source, or nil before it
    /// is known.
    public var generalizedPerformance: Double?
    public var time: Date

    public init(
        strategy: String, step: Int, chosenIndex: Int, candidates: [Int] = [],
        predictedMeans: [Double] = [], predictedStandardDeviations: [Double] = [],
        acquisitionValues: [Double] = [], generalizedPerformance: Double? = nil,
        time: Date = Date()
    ) {
        self.strategy = strategy
        self.step = step
        self.chosenIndex = chosenIndex
        self.candidates = candidates
        self.predictedMeans = predictedMeans
        self.predictedStandardDeviations = predictedStandardDeviations
        self.acquisitionValues = acquisitionValues
        self.generalizedPerformance = generalizedPerformance
        self.time = time
    }
}

/// A stored checkpoint without its bytes.
public struct CheckpointInfo: Sendable, Equatable, Codable {
    public var name: String
    /// The training the checkpoint belongs to, or nil for a run-level checkpoint.
    public var training: TrainingID?
    public var byteCount: Int
    public var createdAt: Date
}

/// A file produced for a run, such as a rendered frame, a GIF or a report.
public struct Artifact: Sendable, Equatable, Codable {
    /// The kind of file, such as "frame", "gif" or "report".
    public var kind: String
    /// The file path as given when it was added.
    public var path: String
    public var createdAt: Date
}
