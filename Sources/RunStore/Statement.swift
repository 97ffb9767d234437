import CSQLite
import Foundation

/// A prepared SQLite statement, which owns its `sqlite3_stmt` handle and finalizes it in
/// `deinit`.
///
/// A statement keeps no reference to its `Database`. The connection stays valid because
/// `Database` closes with `sqlite3_close_v2`, which keeps the connection open as a "zombie"
/// until its last statement is finalized.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL text the statement was compiled from.
    public let sql: String

    /// Compiles the first SQL statement in `sql`.
    ///
    /// - Parameters:
    ///   - connection: An open `sqlite3` connection handle.
    ///   - sql: One SQL statement; text after the first statement is ignored.
    ///   - persistent: Passes `SQLITE_PREPARE_PERSISTENT`, a hint that the statement is
    ///     cached and reused many times.
    /// - Throws: `SQLiteError` when SQLite cannot compile the statement.
    init(connection: OpaquePointer, sql: String, persistent: Bool = false) throws {
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        // sqlite3_prepare_v3 reads the UTF-8 text up to the first NUL when the length is -1,
        // and sets the output handle to NULL on failure or when the text contains no statement.
        let code = sqlite3_prepare_v3(connection, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK else {
            throw SQLiteError(connection: connection, code: code, sql: sql)
        }
        guard let statement else {
            throw SQLiteError(
                code: SQLITE_MISUSE, message: "invalid SQL: the text contains no statement",
                sql: sql)
        }
        self.handle = statement
        self.sql = sql
    }

    deinit {
        // sqlite3_finalize is safe on a statement in any state and frees it.
        sqlite3_finalize(handle)
    }

    // MARK: - Binding

    /// Resets the statement and binds `arguments` to parameters 1, 2, ... in order.
    ///
    /// - Precondition: `arguments.count` equals the number of parameters in the SQL.
    public func bind(_ arguments: [SQLValue]) throws {
        reset()
        sqlite3_clear_bindings(handle)
        let parameterCount = Int(sqlite3_bind_parameter_count(handle))
        precondition(
            arguments.count == parameterCount,
            "\(arguments.count) arguments for \(parameterCount) parameters in: \(sql)"
        )
        for (offset, argument) in arguments.enumerated() {
            try bind(argument, at: Int32(offset + 1))
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(handle, index)
        case .integer(let integer):
            code = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            // SQLite stores a NaN bound here as NULL; infinities stay REAL.
            code = sqlite3_bind_double(handle, index, real)
        case .text(let text):
            // SQLITE_TRANSIENT makes SQLite copy the bytes before the call returns, so the
            // temporary C string may be freed afterwards. The explicit byte count keeps any
            // embedded NUL characters.
            let byteCount = Int32(text.utf8.count)
            code = text.withCString {
                sqlite3_bind_text(handle, index, $0, byteCount, ctxrl_sqlite_transient())
            }
        case .blob(let data):
            code = bindBlob(data, at: index)
        }
        guard code == SQLITE_OK else {
            throw SQLiteError(statement: handle, code: code, sql: sql)
        }
    }

    private func bindBlob(_ data: Data, at index: Int32) -> Int32 {
        // A NULL pointer would bind SQL NULL, so an empty blob is bound as a zero-length
        // zeroblob to keep it a BLOB.
        guard !data.isEmpty else {
            return sqlite3_bind_zeroblob(handle, index, 0)
        }
        return data.withUnsafeBytes { buffer in
            sqlite3_bind_blob64(
                handle, index, buffer.baseAddress, sqlite3_uint64(buffer.count),
                ctxrl_sqlite_transient())
        }
    }

    // MARK: - Stepping

    /// Advances to the next result row.
    ///
    /// - Returns: `true` when a row is available, `false` when the statement has finished.
    /// - Throws: `SQLiteError` with the extended result code of the failure.
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            let error = SQLiteError(statement: handle, code: code, sql: sql)
            reset()
            throw error
        }
    }

    /// Resets the statement so that it can run again and releases its read snapshot.
    ///
    /// The bindings are kept. The return value of `sqlite3_reset` repeats the error of the
    /// last step, which `step()` has already thrown, so it is ignored here.
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Binds `arguments` and runs the statement to completion, discarding any rows.
    public func execute(_ arguments: [SQLValue] = []) throws {
        try bind(arguments)
        defer { reset() }
        while try step() {}
    }

    /// Binds `arguments`, runs the statement and returns `transform` applied to every row.
    ///
    /// `transform` receives this statement positioned on a row, and must read the columns it
    /// needs before returning, because SQLite reuses their memory on the next step.
    public func map<T>(_ arguments: [SQLValue] = [], _ transform: (Statement) throws -> T)
        throws -> [T]
    {
        try bind(arguments)
        defer { reset() }
        var results: [T] = []
        while try step() {
            results.append(try transform(self))
        }
        return results
    }

    // MARK: - Columns

    /// The number of columns in a result row.
    public var columnCount: Int {
        Int(sqlite3_column_count(handle))
    }

    /// Returns whether column `index` (0-based) of the current row is NULL.
    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// Returns column `index` of the current row as an integer, reading NULL as 0.
    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    /// Returns column `index` of the current row as an `Int`, reading NULL as 0.
    public func int(at index: Int) -> Int {
        Int(int64(at: index))
    }

    /// Returns column `index` of the current row as a double, reading NULL as NaN.
    ///
    /// The store writes NaN measurements as NULL (SQLite does so for every bound NaN), so
    /// reading NULL back as NaN restores them.
    public func double(at index: Int) -> Double {
        isNull(at: index) ? .nan : sqlite3_column_double(handle, Int32(index))
    }

    /// Returns column `index` of the current row as text, reading NULL as an empty string.
    public func text(at index: Int) -> String {
        // sqlite3_column_text comes first so that sqlite3_column_bytes counts the bytes of
        // the UTF-8 text it returned, after any conversion.
        guard let bytes = sqlite3_column_text(handle, Int32(index)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Returns column `index` of the current row as text, or nil when it is NULL.
    public func optionalText(at index: Int) -> String? {
        isNull(at: index) ? nil : text(at: index)
    }

    /// Returns column `index` of the current row as bytes, reading NULL as empty data.
    public func data(at index: Int) -> Data {
        // sqlite3_column_blob returns NULL for a zero-length blob.
        guard let bytes = sqlite3_column_blob(handle, Int32(index)) else { return Data() }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return Data(bytes: bytes, count: count)
    }

    /// Returns column `index` of the current row in its own storage class.
    public func value(at index: Int) -> SQLValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(at: index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, Int32(index)))
        case SQLITE_TEXT: return .text(text(at: index))
        case SQLITE_BLOB: return .blob(data(at: index))
        default: return .null
        }
    }
}
