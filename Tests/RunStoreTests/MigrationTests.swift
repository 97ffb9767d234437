import Foundation
import RunStore
import XCTest

final class MigrationTests: RunStoreTestCase {
    func testNewFileHasLatestVersion() throws {
        let store = try makeStore()

        XCTAssertEqual(try store.fileSchemaVersion(), RunStore.schemaVersion)
    }

    func testMigrationRunsOnce() throws {
        _ = try makeStore()
        let database = try rawConnection()

        let rows = try database.rows("SELECT version FROM schema_migrations ORDER BY version")

        XCTAssertEqual(rows, (1...RunStore.schemaVersion).map { [.integer($0)] })
    }

    func testReopenDoesNotMigrateAgain() throws {
        for _ in 0..<3 {
            _ = try makeStore()
        }
        let database = try rawConnection()

        let count = try database.scalar("SELECT count(*) FROM schema_migrations")

        XCTAssertEqual(count, .integer(RunStore.schemaVersion))
        XCTAssertEqual(try database.userVersion(), RunStore.schemaVersion)
    }

    func testReopenKeepsData() throws {
        let run = try makeRun(try makeStore())

        let reopened = try makeStore()

        XCTAssertEqual(try reopened.run(id: run)?.name, "run")
    }

    func testFileUsesWriteAheadLog() throws {
        _ = try makeStore()
        let database = try rawConnection()

        XCTAssertEqual(try database.scalar("PRAGMA journal_mode"), .text("wal"))
    }

    func testNewerSchemaIsRejected() throws {
        try rawConnection().execute("PRAGMA user_version = 99")

        XCTAssertThrowsError(try makeStore()) { error in
            XCTAssertEqual(
                error as? RunStoreError,
                .schemaTooNew(found: 99, supported: RunStore.schemaVersion))
        }
    }

    func testFailedMigrationKeepsNothing() throws {
        // A table named like one of the schema's makes the first migration fail midway.
        try rawConnection().execute("CREATE TABLE trainings (x INTEGER)")

        XCTAssertThrowsError(try makeStore())

        let database = try rawConnection()
        XCTAssertEqual(try database.userVersion(), 0)
        let tables = try database.rows(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        XCTAssertEqual(tables, [[.text("trainings")]])
    }
}
