import Foundation
import RunStore
import XCTest

final class ForeignKeyTests: RunStoreTestCase {
    /// SQLite's extended result code SQLITE_CONSTRAINT_FOREIGNKEY.
    private let foreignKeyCode: Int32 = 787

    func testMetricOfUnknownRunThrows() throws {
        let store = try makeStore()

        XCTAssertThrowsError(
            try store.logMetric(run: RunID(rawValue: 9), key: "charts/return", step: 0, value: 1)
        ) { error in
            let sqliteError = error as? SQLiteError
            XCTAssertEqual(sqliteError?.code, foreignKeyCode)
            XCTAssertTrue(sqliteError?.sql.contains("INSERT INTO metrics") == true)
        }
    }

    func testTrainingOfUnknownContextThrows() throws {
        let store = try makeStore()
        let run = try makeRun(store, contextCount: 2)

        XCTAssertThrowsError(try store.startTraining(run: run, sourceIndex: 5)) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, foreignKeyCode)
        }
    }

    func testMetricOfOtherRunsTrainingThrows() throws {
        let store = try makeStore()
        let first = try makeRun(store, name: "first")
        let second = try makeRun(store, name: "second")
        let training = try store.startTraining(run: first, sourceIndex: 0)

        XCTAssertThrowsError(
            try store.logMetric(
                run: second, training: training.id, key: "losses/value", step: 0, value: 1)
        ) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, foreignKeyCode)
        }
    }

    func testEvaluationOfUnknownTargetThrows() throws {
        let store = try makeStore()
        let run = try makeRun(store, contextCount: 2)
        let evaluation = Evaluation(
            source: 0, target: 7, episodes: 10, mean: 1, standardDeviation: 0)

        XCTAssertThrowsError(try store.recordEvaluation(run: run, evaluation)) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, foreignKeyCode)
        }
    }

    func testDeletingRunCascades() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let training = try store.startTraining(run: run, sourceIndex: 0)
        try store.logMetric(run: run, training: training.id, key: "losses/value", step: 0, value: 1)
        try store.saveCheckpoint(run: run, training: training.id, name: "final", data: Data([1]))
        let database = try rawConnection()

        try database.execute("DELETE FROM runs WHERE id = ?", [.integer(run.rawValue)])

        for table in ["contexts", "trainings", "metrics", "checkpoints"] {
            let count = try database.scalar("SELECT count(*) FROM \(table)")
            XCTAssertEqual(count, .integer(0), table)
        }
    }
}
