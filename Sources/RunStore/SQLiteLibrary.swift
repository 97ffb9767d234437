import CSQLite

/// Facts about the SQLite library linked into this process.
public enum SQLiteLibrary {
    /// The SQLite version, such as "3.40.1".
    public static var version: String {
        String(cString: sqlite3_libversion())
    }

    /// Bytes of memory that SQLite has allocated and not yet freed, in this whole process.
    ///
    /// SQLite counts only while memory statistics are enabled, which is the default
    /// (`SQLITE_DEFAULT_MEMSTATUS` 1); with them disabled this is 0.
    public static var memoryInUse: Int64 {
        sqlite3_memory_used()
    }
}
