/// An error in setting up or running a sweep.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    /// The sweep folder has no readable manifest.
    case manifestUnreadable(path: String, reason: String)
    /// The sweep folder already belongs to another run or configuration.
    case folderOfAnotherRun(path: String, run: String)
    /// The sweep folder or a file in it cannot be written.
    case folderUnwritable(path: String, reason: String)
    /// A unit index is outside the run's contexts.
    case unitOutOfRange(index: Int, count: Int)
    /// The context set rebuilt from the manifest differs from the contexts it lists.
    case contextsChanged(spec: String)
    /// Units that should have finished have no finished training after their tasks ended.
    case unitsMissing(units: [SweepUnit], logs: String)
    /// An external command failed: `sbatch`, `squeue` or a unit process.
    case commandFailed(command: String, status: Int32, output: String)
    /// The sweep was stopped by an interrupt; finished units stay in their shards.
    case cancelled

    public var description: String {
        switch self {
        case .manifestUnreadable(let path, let reason):
            return "cannot read the sweep manifest \(path) (\(reason)); give the sweep folder "
                + "that 'ctxrl sweep' wrote (its --work folder)"
        case .folderOfAnotherRun(let path, let run):
            return "the sweep folder \(path) belongs to run '\(run)'; give another folder "
                + "with --work"
        case .folderUnwritable(let path, let reason):
            return "cannot write the sweep folder \(path) (\(reason)); give a writable folder "
                + "with --work"
        case .unitOutOfRange(let index, let count):
            return "unit \(index) does not exist; the run has units 0 to \(count - 1)"
        case .contextsChanged(let spec):
            return "the context set '\(spec)' no longer gives the contexts the sweep was "
                + "planned with (was a context file edited?); restore the file, or rerun "
                + "'ctxrl sweep', which starts a new run for the new contexts"
        case .unitsMissing(let units, let logs):
            return "\(units.count) unit\(units.count == 1 ? "" : "s") did not finish ("
                + units.map(\.description).joined(separator: ", ") + "); see the logs in "
                + "\(logs), then rerun the same command to run only the missing units"
        case .commandFailed(let command, let status, let output):
            let detail = output.isEmpty ? "" : ": " + output
            return "'\(command)' exited with status \(status)\(detail)"
        case .cancelled:
            return "the sweep was interrupted; finished units are kept, and rerunning the "
                + "same command runs only the missing ones"
        }
    }
}
