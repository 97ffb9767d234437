import Foundation

/// The run store's schema: its migrations in order, and the code that applies them.
///
/// `PRAGMA user_version` stores the number of the last migration applied. Each migration runs
/// once, and all pending ones run in one transaction, so a file is never left half migrated.
enum Schema {
    struct Migration {
        let version: Int
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, sql: version1)
    ]

    /// The schema version that this code writes and reads.
    static var latestVersion: Int { migrations[migrations.count - 1].version }

    /// Applies every migration newer than the file's schema version.
    ///
    /// Several processes may open one new file at the same moment. Each reads the version
    /// without a lock first, so that an up-to-date file costs no write lock. A process that
    /// finds work takes the write lock with BEGIN IMMEDIATE and reads the version again,
    /// because another process may have migrated the file while it waited for the lock.
    ///
    /// - Throws: `RunStoreError.schemaTooNew` for a file written by a newer ctxrl, and
    ///   `SQLiteError` when a migration fails, in which case none of them is kept.
    static func migrate(_ database: Database, pid: Int32) throws {
        guard try pendingMigrations(database).isEmpty == false else { return }

        try database.transaction(.immediate) {
            for migration in try pendingMigrations(database) {
                try database.execute(migration.sql)
                try database.execute(
                    "INSERT INTO schema_migrations (version, applied_at, pid) VALUES (?, ?, ?)",
                    [
                        .integer(migration.version), .real(Date().timeIntervalSince1970),
                        .integer(Int64(pid)),
                    ])
                // PRAGMA takes no bound parameters; the version is an integer from this file.
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    private static func pendingMigrations(_ database: Database) throws -> [Migration] {
        let version = try database.userVersion()
        guard version <= latestVersion else {
            throw RunStoreError.schemaTooNew(found: version, supported: latestVersion)
        }
        return migrations.filter { $0.version > version }
    }
}
