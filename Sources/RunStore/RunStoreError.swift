import Foundation

/// An error in the contents of a run store, as opposed to a failure reported by SQLite.
public enum RunStoreError: Error, Equatable, CustomStringConvertible {
    /// The file was written by a newer ctxrl with a schema this version cannot read.
    case schemaTooNew(found: Int, supported: Int)
    /// SQLite did not switch the file to write-ahead logging; `mode` is the mode it kept.
    case walUnavailable(path: String, mode: String)
    /// No run has this id.
    case runNotFound(RunID)
    /// No training has this id.
    case trainingNotFound(TrainingID)
    /// A run with this name exists with a different kind, configuration or seed.
    case runConflict(name: String, field: String)
    /// The run already has a context at this index, with different feature values.
    case contextConflict(run: RunID, index: Int)
    /// A column value that this version does not recognize, such as an unknown status.
    case unexpectedValue(column: String, value: String)
    /// A JSON column value could not be encoded or decoded, such as a non-finite context
    /// feature.
    case invalidJSON(column: String, reason: String)
    /// A shard cannot be merged into the run, because it contains another run or a copy of
    /// the run with another configuration.
    case shardMismatch(shard: String, reason: String)

    public var description: String {
        switch self {
        case .schemaTooNew(let found, let supported):
            return "the run store has schema version \(found), but this ctxrl reads versions "
                + "up to \(supported); open it with a newer ctxrl"
        case .walUnavailable(let path, let mode):
            return "could not switch \(path) to write-ahead logging (journal mode stays "
                + "'\(mode)'); put the run store on a local file system"
        case .runNotFound(let run):
            return "run \(run) not found in the run store"
        case .trainingNotFound(let training):
            return "training \(training) not found in the run store"
        case .runConflict(let name, let field):
            return "a run named '\(name)' already exists with a different \(field); "
                + "choose another run name"
        case .contextConflict(let run, let index):
            return "run \(run) already has context \(index) with different feature values"
        case .unexpectedValue(let column, let value):
            return "unexpected value '\(value)' in column \(column); the run store was "
                + "changed outside ctxrl or by a newer version"
        case .invalidJSON(let column, let reason):
            return "invalid value for \(column): \(reason)"
        case .shardMismatch(let shard, let reason):
            return "shard \(shard) cannot be merged: \(reason); merge only the shards "
                + "written for this run by 'ctxrl unit'"
        }
    }
}
