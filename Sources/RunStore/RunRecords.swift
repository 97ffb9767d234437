import Foundation

/// The state of a run or a training, stored as its raw value in a `status` column.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Work is under way, or its process died without a chance to say otherwise.
    case running
    /// The work completed.
    case finished
    /// The process stopped before the work completed (a signal, a kill, a crash).
    case interrupted
    /// The work stopped with an error.
    case failed
}

/// One row of the `runs` table: an experiment with its configuration and its owner process.
public struct Run: Sendable, Equatable, Codable {
    public var id: RunID
    /// A name unique in the store; creating a run with an existing name returns that run.
    public var name: String
    /// The command that produced the run, such as "train", "select" or "evaluate".
    public var kind: String
    /// The full configuration as JSON text.
    public var configuration: String
    public var seed: UInt64
    /// The version of ctxrl that created the run.
    public var ctxrlVersion: String
    public var status: RunStatus
    public var startedAt: Date
    /// When the run stopped, or nil while it is running.
    public var finishedAt: Date?
    /// The host name of the process that runs it.
    public var host: String
    /// The process id that runs it, on `host`.
    public var pid: Int32
    /// A failure message, or nil.
    public var message: String?
}

/// One row of the `contexts` table: a context of a run, by its index in the run's context set.
public struct RunContext: Sendable, Equatable, Codable {
    public var index: Int
    /// Feature values by feature name, such as `["length": 0.5]`.
    public var features: [String: Double]

    public init(index: Int, features: [String: Double]) {
        self.index = index
        self.features = features
    }
}

/// One row of the `trainings` table: the training of one policy on one source context.
public struct Training: Sendable, Equatable, Codable {
    public var id: TrainingID
    public var run: RunID
    /// The index of the source context in the run's context set.
    public var sourceIndex: Int
    public var status: RunStatus
    /// Environment steps taken so far, as reported by the trainer.
    public var steps: Int
    /// Training time in seconds, as measured by the trainer.
    public var wallSeconds: Double
    public var startedAt: Date
    /// When the training stopped, or nil while it is running.
    public var finishedAt: Date?
}
