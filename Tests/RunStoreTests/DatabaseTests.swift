import Foundation
import RunStore
import XCTest

final class DatabaseTests: RunStoreTestCase {
    /// Counts the open file descriptors of this process.
    /// Counts this process's open descriptors of files in the test's directory. Descriptors
    /// elsewhere are left out, because the test runtime may open its own at any moment.
    private func openFileCount() throws -> Int {
        let manager = FileManager.default
        return try manager.contentsOfDirectory(atPath: "/proc/self/fd").filter { descriptor in
            let target = try? manager.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + descriptor)
            return target?.hasPrefix(directory.path) == true
        }.count
    }

    func testOpenDirectoryThrowsCantOpen() throws {
        XCTAssertThrowsError(try Database(path: directory.path)) { error in
            let sqliteError = error as? SQLiteError
            // SQLITE_CANTOPEN
            XCTAssertEqual(sqliteError?.primaryCode, 14)
            XCTAssertEqual(sqliteError?.message, "unable to open database file")
        }
    }

    func testOpenMissingParentThrows() throws {
        let path = directory.appendingPathComponent("missing/runs.sqlite").path

        XCTAssertThrowsError(try RunStore(path: path)) { error in
            XCTAssertEqual((error as? SQLiteError)?.primaryCode, 14)
        }
    }

    func testFailedOpenLeaksNothing() throws {
        // One failed open first, so that SQLite's one-time initialization is not counted.
        _ = try? Database(path: directory.path)
        let files = try openFileCount()
        let memory = SQLiteLibrary.memoryInUse

        for _ in 0..<20 {
            _ = try? Database(path: directory.path)
        }

        XCTAssertEqual(try openFileCount(), files)
        XCTAssertEqual(SQLiteLibrary.memoryInUse, memory)
    }

    func testReleasedStoreClosesFiles() throws {
        _ = try makeStore()
        let files = try openFileCount()

        for _ in 0..<5 {
            let store = try makeStore()
            _ = try store.runs()
        }

        XCTAssertEqual(try openFileCount(), files)
    }

    func testErrorCarriesSQL() throws {
        let database = try rawConnection()
        let sql = "SELECT * FROM missing_table"

        XCTAssertThrowsError(try database.execute(sql)) { error in
            let sqliteError = error as? SQLiteError
            XCTAssertEqual(sqliteError?.sql, sql)
            // SQLITE_ERROR
            XCTAssertEqual(sqliteError?.code, 1)
            XCTAssertEqual(sqliteError?.message, "no such table: missing_table")
        }
    }

    func testStepErrorCarriesSQL() throws {
        let database = try rawConnection()
        try database.execute("CREATE TABLE pairs (key TEXT PRIMARY KEY)")
        let insert = "INSERT INTO pairs (key) VALUES (?)"
        try database.execute(insert, [.text("a")])

        XCTAssertThrowsError(try database.execute(insert, [.text("a")])) { error in
            let sqliteError = error as? SQLiteError
            XCTAssertEqual(sqliteError?.sql, insert)
            // SQLITE_CONSTRAINT_PRIMARYKEY
            XCTAssertEqual(sqliteError?.code, 1555)
            XCTAssertEqual(sqliteError?.primaryCode, 19)
        }
    }

    func testTransactionRollsBackOnError() throws {
        struct Stop: Error {}
        let database = try rawConnection()
        try database.execute("CREATE TABLE items (value INTEGER)")

        XCTAssertThrowsError(
            try database.transaction {
                try database.execute("INSERT INTO items VALUES (1)")
                throw Stop()
            })

        XCTAssertEqual(try database.scalar("SELECT count(*) FROM items"), .integer(0))
        XCTAssertFalse(database.isInTransaction)
    }

    func testNestedTransactionRollsBackOnlyItself() throws {
        struct Stop: Error {}
        let database = try rawConnection()
        try database.execute("CREATE TABLE items (value INTEGER)")

        try database.transaction {
            try database.execute("INSERT INTO items VALUES (1)")
            try? database.transaction {
                try database.execute("INSERT INTO items VALUES (2)")
                throw Stop()
            }
            try database.execute("INSERT INTO items VALUES (3)")
        }

        let values = try database.rows("SELECT value FROM items ORDER BY value")
        XCTAssertEqual(values, [[.integer(1)], [.integer(3)]])
    }

    func testBlobAndTextRoundTrip() throws {
        let database = try rawConnection()
        let text = "nul\u{0}inside ü"
        let bytes = Data([0, 1, 2, 255])

        let row = try database.rows("SELECT ?, ?, ?", [.text(text), .blob(bytes), .blob(Data())])

        XCTAssertEqual(row, [[.text(text), .blob(bytes), .blob(Data())]])
    }

    func testIntegrityCheckPasses() throws {
        let store = try makeStore()
        _ = try makeRun(store)

        XCTAssertEqual(try store.integrityProblems(), [])
    }
}
