import Foundation

/// Something that happened while a backend ran a round's tasks, for progress reporting.
public enum SweepEvent: Sendable {
    /// A round of units is about to run, packed into `tasks` tasks.
    case roundStarted(round: Int, units: [SweepUnit], tasks: Int)
    /// The backend wrote its batch script (Slurm only).
    case scriptWritten(path: String)
    /// The job was submitted (Slurm only).
    case submitted(jobID: String)
    /// The job was cancelled with `scancel` because the sweep was interrupted (Slurm only).
    case cancelled(jobID: String)
    /// The tasks' states changed.
    case tasksUpdated(TaskCounts)
    /// Shards were merged into the run store.
    case merged(units: [SweepUnit])
}

/// How many of a round's tasks are in each state.
public struct TaskCounts: Equatable, Sendable {
    public var total = 0
    public var pending = 0
    public var running = 0
    public var succeeded = 0
    public var failed = 0

    public init(total: Int) { self.total = total }
}

/// A task that ended without success.
public struct TaskFailure: Equatable, Sendable {
    /// The task's index in the round (the array task id).
    public var task: Int
    /// Why: an exit status or a Slurm job state.
    public var reason: String
    /// The task's log file.
    public var log: String

    public init(task: Int, reason: String, log: String) {
        self.task = task
        self.reason = reason
        self.log = log
    }
}

/// Runs the tasks of a round somewhere, each task as the command
/// `ctxrl unit --sweep DIR --index I,J,...` (see `SweepUnit` for how units are written), and
/// waits for all of them to end.
///
/// Every backend runs the same command, so a sweep gives the same shards, and after the
/// merge the same transfer matrix, whichever backend ran it.
public protocol SweepBackend {
    /// A short name for messages, such as "local" or "slurm".
    var name: String { get }

    /// Runs `tasks` (each a list of units) and returns when every task has ended.
    ///
    /// - Returns: The tasks that failed; their units are missing from the shards.
    /// - Throws: `SweepError.cancelled` when `shouldCancel` turned true (the backend stops
    ///   its tasks first), or `SweepError.commandFailed` when the backend itself fails.
    func run(
        tasks: [[SweepUnit]], round: Int, folder: SweepFolder, onEvent: (SweepEvent) -> Void,
        shouldCancel: () -> Bool
    ) throws -> [TaskFailure]
}

/// The command line of one task: the unit subcommand of the ctxrl executable.
public struct UnitInvocation: Sendable {
    /// The absolute path of the ctxrl executable that tasks run.
    public var executable: String

    public init(executable: String) { self.executable = executable }

    /// Returns the arguments after the executable for a task of `units`.
    public func arguments(units: [SweepUnit], folder: SweepFolder) -> [String] {
        ["unit", "--sweep", folder.path, "--index", units.map(\.description).joined(separator: ",")]
    }
}
