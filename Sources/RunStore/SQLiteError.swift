import CSQLite

/// An error reported by SQLite, with the result code, SQLite's message and the statement.
public struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The extended result code, such as `SQLITE_BUSY` (5) or `SQLITE_CONSTRAINT` (19).
    public let code: Int32
    /// SQLite's own message for the failure.
    public let message: String
    /// The SQL that failed, or an empty string for connection-level failures.
    public let sql: String

    public init(code: Int32, message: String, sql: String = "") {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xFF }

    public var description: String {
        sql.isEmpty
            ? "SQLite error \(code): \(message)"
            : "SQLite error \(code): \(message) (in: \(sql))"
    }
}
