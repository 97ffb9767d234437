import CSQLite
import Foundation

/// A SQLite file holding every run: configurations, contexts, trainings, metrics,
/// evaluations, selection steps, checkpoints and artifacts.
///
/// Many processes may open one file at once. Each write is one transaction that takes the
/// write lock at BEGIN (BEGIN IMMEDIATE) and waits up to the busy timeout for it. The file
/// uses write-ahead logging, in which, per SQLite's WAL documentation, readers do not block
/// the writer and the writer does not block readers.
///
/// A `RunStore` owns one connection and is not thread-safe: use one store per thread or
/// task. The schema is described in docs/run-store.md.
public final class RunStore {
    /// The schema version that this code creates and reads (`PRAGMA user_version`).
    public static var schemaVersion: Int { Schema.latestVersion }

    /// The file path the store was opened with.
    public let path: String
    let database: Database
    let owner: ProcessIdentity

    /// Opens the run store at `path`, creating the file and migrating its schema as needed.
    ///
    /// - Parameters:
    ///   - path: A file path; missing parent directories are not created.
    ///   - busyTimeout: Maximum time, in seconds, that one operation waits for another
    ///     process's lock before it fails with `SQLITE_BUSY`. Writers hold the lock for one
    ///     transaction, which is short for metric rows but lasts as long as writing the
    ///     blob when a large checkpoint is saved.
    /// - Throws: `SQLiteError` when the file cannot be opened or migrated,
    ///   `RunStoreError.walUnavailable` when the file system cannot hold a WAL file, and
    ///   `RunStoreError.schemaTooNew` for a file from a newer ctxrl.
    public init(path: String, busyTimeout: TimeInterval = 30) throws {
        self.path = path
        database = try Database(path: path, busyTimeout: busyTimeout)
        owner = .current

        try enableWriteAheadLogging(busyTimeout: busyTimeout)
        // In WAL mode, NORMAL syncs the WAL at checkpoints rather than at every commit. A
        // commit then survives a crash of the process. When the operating system crashes or
        // power fails, the last commits may be lost, but the file is not corrupted.
        try database.execute("PRAGMA synchronous = NORMAL")
        try Schema.migrate(database, pid: owner.pid)
    }

    private func enableWriteAheadLogging(busyTimeout: TimeInterval) throws {
        // The journal mode is stored in the file, so only a new file needs the switch.
        if try database.scalar("PRAGMA journal_mode")?.textValue?.lowercased() == "wal" {
            return
        }

        // The switch reads the file under a shared lock and then needs an exclusive one.
        // With 8 processes switching one new file, SQLite 3.40 returned SQLITE_BUSY at once
        // to some of them, without waiting under the busy timeout. SQLite skips the busy
        // handler where waiting could deadlock, as two processes upgrading shared locks
        // could. So the statement is retried here, with its locks released, until the busy
        // timeout has passed.
        let deadline = Date(timeIntervalSinceNow: busyTimeout)
        var delay: TimeInterval = 0.001
        while true {
            do {
                let mode = try database.scalar("PRAGMA journal_mode = WAL")?.textValue ?? ""
                guard mode.lowercased() == "wal" else {
                    throw RunStoreError.walUnavailable(path: path, mode: mode)
                }
                return
            } catch let error as SQLiteError
                where error.primaryCode == SQLITE_BUSY && Date() < deadline
            {
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 0.1)
            }
        }
    }

    /// Reads the file's schema version, `PRAGMA user_version`.
    public func fileSchemaVersion() throws -> Int {
        try database.userVersion()
    }
}

// MARK: - Column helpers

extension Date {
    /// This date as a REAL column value in seconds since 1970-01-01 UTC.
    var sqlValue: SQLValue { .real(timeIntervalSince1970) }
}

extension Statement {
    /// Column `index` read as seconds since 1970-01-01 UTC.
    func date(at index: Int) -> Date {
        Date(timeIntervalSince1970: double(at: index))
    }

    /// Column `index` read as seconds since 1970-01-01 UTC, or nil when it is NULL.
    func optionalDate(at index: Int) -> Date? {
        isNull(at: index) ? nil : date(at: index)
    }

    /// Column `index` as a double, or nil when it is NULL.
    func optionalDouble(at index: Int) -> Double? {
        isNull(at: index) ? nil : double(at: index)
    }
}
