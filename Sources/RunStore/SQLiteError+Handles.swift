import CSQLite

extension SQLiteError {
    /// Creates the error for a failed call on `connection`, with SQLite's message for it.
    ///
    /// Call this right after the failing call: `sqlite3_errmsg` describes the most recent
    /// call on the connection, and its text is overwritten by the next one.
    init(connection: OpaquePointer, code: Int32, sql: String = "") {
        let message = sqlite3_errmsg(connection).map { String(cString: $0) }
        self.init(code: code, message: message ?? String(cString: sqlite3_errstr(code)), sql: sql)
    }

    /// Creates the error for a failed call on `statement`, with SQLite's message for it.
    init(statement: OpaquePointer, code: Int32, sql: String) {
        // sqlite3_db_handle returns the connection that prepared the statement.
        self.init(connection: sqlite3_db_handle(statement), code: code, sql: sql)
    }
}
