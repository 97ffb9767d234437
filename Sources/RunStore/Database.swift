import CSQLite
import Foundation

/// An open SQLite connection, which owns its `sqlite3` handle and closes it in `deinit`.
///
/// The connection is set up for several processes that share one file: a busy timeout, so
/// that a call waits for another process's lock instead of failing at once, extended result
/// codes, and foreign key enforcement. The journal mode is left to the caller because
/// `PRAGMA journal_mode = WAL` changes the file, not only the connection.
///
/// A `Database` is not thread-safe: use it from one thread or task at a time.
public final class Database {
    let handle: OpaquePointer
    /// The file name the connection was opened with.
    public let path: String
    private var statementCache: [String: Statement] = [:]

    /// Opens the database file at `path`, creating it when it does not exist.
    ///
    /// - Parameters:
    ///   - path: A file path; SQLite creates the file but not missing parent directories.
    ///   - busyTimeout: Maximum time, in seconds, that one call waits for a lock held by
    ///     another connection before it fails with `SQLITE_BUSY`.
    /// - Throws: `SQLiteError` with the extended result code when the file cannot be opened,
    ///   such as `SQLITE_CANTOPEN` (14) for a directory or a missing parent directory.
    public init(path: String, busyTimeout: TimeInterval = 30) throws {
        precondition(
            busyTimeout.isFinite && busyTimeout >= 0, "invalid busy timeout \(busyTimeout)")
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE
        var code = sqlite3_open_v2(path, &connection, flags, nil)
        guard let connection else {
            // Only an allocation failure leaves the handle NULL.
            throw SQLiteError(code: code, message: String(cString: sqlite3_errstr(code)))
        }

        var configurationSQL = ""
        if code == SQLITE_OK {
            // Neither call can fail on an open connection, because both only set its fields.
            sqlite3_extended_result_codes(connection, 1)
            let milliseconds = min((busyTimeout * 1000).rounded(), Double(Int32.max))
            sqlite3_busy_timeout(connection, Int32(milliseconds))
            configurationSQL = Database.foreignKeysPragma
            code = sqlite3_exec(connection, configurationSQL, nil, nil, nil)
        }
        guard code == SQLITE_OK else {
            // sqlite3_open_v2 returns a handle even when it fails, and that handle must be
            // closed to free it. The message is read before the close.
            let error = SQLiteError(connection: connection, code: code, sql: configurationSQL)
            sqlite3_close_v2(connection)
            throw error
        }
        self.handle = connection
        self.path = path
    }

    private static let foreignKeysPragma = "PRAGMA foreign_keys = ON"

    deinit {
        // Finalizing the cached statements first lets sqlite3_close_v2 close the file at once.
        // With statements left, it would defer the close until the last one is finalized.
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: - Statements

    /// Compiles one SQL statement that the caller owns.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connection: handle, sql: sql)
    }

    /// Returns the compiled statement for `sql`, compiling it on first use.
    ///
    /// Cached statements live as long as the connection. They are reset after every use by
    /// `Statement.execute` and `Statement.map`, so none keeps a read snapshot open. A cached
    /// statement must not run again from inside its own `map` transform, because binding it
    /// anew would reset the iteration in progress.
    func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            return statement
        }
        let statement = try Statement(connection: handle, sql: sql, persistent: true)
        statementCache[sql] = statement
        return statement
    }

    /// Runs one or more SQL statements separated by semicolons, discarding any rows.
    ///
    /// - Throws: `SQLiteError` whose `sql` is the whole text passed in.
    public func execute(_ sql: String) throws {
        // With a NULL error-message pointer, sqlite3_exec allocates no message that would
        // need sqlite3_free, and sqlite3_errmsg still describes the failure.
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else {
            throw SQLiteError(connection: handle, code: code, sql: sql)
        }
    }

    /// Runs one statement with `arguments` bound to its parameters, discarding any rows.
    ///
    /// This and the other methods that take arguments keep the compiled statement for the
    /// lifetime of the connection, keyed by its SQL text.
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        try cachedStatement(sql).execute(arguments)
    }

    /// Runs one query and returns every row as an array of column values.
    public func rows(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        try cachedStatement(sql).map(arguments) { statement in
            (0..<statement.columnCount).map { statement.value(at: $0) }
        }
    }

    /// Runs one query and returns the first column of its first row, or nil without rows.
    public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLValue? {
        try rows(sql, arguments).first?.first
    }

    // MARK: - Connection state

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        sqlite3_last_insert_rowid(handle)
    }

    /// The number of rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int {
        Int(sqlite3_changes(handle))
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool {
        // sqlite3_get_autocommit returns 0 while a transaction is open.
        sqlite3_get_autocommit(handle) == 0
    }

    /// Reads the `PRAGMA user_version` integer from the database header.
    public func userVersion() throws -> Int {
        Int(try scalar("PRAGMA user_version")?.integerValue ?? 0)
    }
}
