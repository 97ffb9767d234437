import Foundation
import RunStore
import XCTest

final class RunCreationTests: RunStoreTestCase {
    func testCreateRunIsIdempotent() throws {
        let store = try makeStore()

        let first = try makeRun(store)
        let second = try makeRun(store)

        XCTAssertEqual(first, second)
        XCTAssertEqual(try store.runs().count, 1)
    }

    func testCreateRunStoresFields() throws {
        let store = try makeStore()
        let start = Date(timeIntervalSince1970: 1_700_000_000.25)

        let id = try store.createRun(
            name: "grid", kind: "train", configuration: #"{"budget":5}"#,
            seed: UInt64.max, ctxrlVersion: "0.1.0", time: start)
        let run = try XCTUnwrap(try store.run(id: id))

        XCTAssertEqual(run.name, "grid")
        XCTAssertEqual(run.kind, "train")
        XCTAssertEqual(run.configuration, #"{"budget":5}"#)
        XCTAssertEqual(run.seed, UInt64.max)
        XCTAssertEqual(run.ctxrlVersion, "0.1.0")
        XCTAssertEqual(run.status, .running)
        XCTAssertEqual(run.startedAt, start)
        XCTAssertNil(run.finishedAt)
        XCTAssertEqual(run.pid, ProcessInfo.processInfo.processIdentifier)
        XCTAssertFalse(run.host.isEmpty)
    }

    func testEncodableConfigurationHasSortedKeys() throws {
        struct Configuration: Encodable {
            var steps = 100
            var budget = 3
        }
        let store = try makeStore()

        let id = try store.createRun(
            name: "encoded", kind: "train", configuration: Configuration(), seed: 0,
            ctxrlVersion: "0.1.0")

        XCTAssertEqual(try store.run(id: id)?.configuration, #"{"budget":3,"steps":100}"#)
    }

    func testRunWithOtherSeedConflicts() throws {
        let store = try makeStore()
        _ = try makeRun(store)

        XCTAssertThrowsError(
            try store.createRun(
                name: "run", kind: "train", configuration: #"{"env":"cartpole"}"#, seed: 2,
                ctxrlVersion: "0.1.0")
        ) { error in
            XCTAssertEqual(error as? RunStoreError, .runConflict(name: "run", field: "seed"))
        }
    }

    func testInvalidConfigurationIsRejected() throws {
        let store = try makeStore()

        XCTAssertThrowsError(
            try store.createRun(
                name: "bad", kind: "train", configuration: "{not json", seed: 0,
                ctxrlVersion: "0.1.0")
        ) { error in
            // SQLITE_CONSTRAINT_CHECK
            XCTAssertEqual((error as? SQLiteError)?.code, 275)
        }
    }

    func testAddContextIsIdempotent() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        try store.addContext(run: run, index: 1, features: ["length": 0.5])
        try store.addContexts(run: run, (0..<3).map { ["length": 0.25 * Double($0 + 1)] })

        let contexts = try store.contexts(run: run)
        XCTAssertEqual(contexts.count, 3)
        XCTAssertEqual(contexts[1], RunContext(index: 1, features: ["length": 0.5]))
    }

    func testContextWithOtherValuesConflicts() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        XCTAssertThrowsError(try store.addContext(run: run, index: 1, features: ["length": 9])) {
            error in
            XCTAssertEqual(error as? RunStoreError, .contextConflict(run: run, index: 1))
        }
    }

    func testNonFiniteFeatureIsRejected() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        XCTAssertThrowsError(
            try store.addContext(run: run, index: 7, features: ["length": .infinity]))
        XCTAssertEqual(try store.contexts(run: run).count, 3)
    }

    func testFinishRunSetsStatus() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let end = Date(timeIntervalSince1970: 1_800_000_000)

        try store.finishRun(run, status: .failed, message: "diverged", time: end)

        let stored = try XCTUnwrap(try store.run(id: run))
        XCTAssertEqual(stored.status, .failed)
        XCTAssertEqual(stored.finishedAt, end)
        XCTAssertEqual(stored.message, "diverged")
    }

    func testInterruptedRunInterruptsTrainings() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let training = try store.startTraining(run: run, sourceIndex: 0)

        try store.markRunInterrupted(run)

        XCTAssertEqual(try store.run(id: run)?.status, .interrupted)
        XCTAssertEqual(try store.training(id: training.id)?.status, .interrupted)
    }

    func testResumeRunSetsRunning() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        try store.markRunInterrupted(run)

        try store.resumeRun(run)

        let stored = try XCTUnwrap(try store.run(id: run))
        XCTAssertEqual(stored.status, .running)
        XCTAssertNil(stored.finishedAt)
    }

    func testStaleCheckSkipsOtherHosts() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        // The store treats pid 0 as dead, so only the other host keeps this run running.
        try rawConnection().execute(
            "UPDATE runs SET host = 'elsewhere.example', pid = 0 WHERE id = ?",
            [.integer(run.rawValue)])

        let marked = try store.markStaleRunsInterrupted()

        XCTAssertEqual(marked, [])
        XCTAssertEqual(try store.run(id: run)?.status, .running)
    }

    func testStaleCheckMarksDeadPid() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        try rawConnection().execute(
            "UPDATE runs SET pid = 0 WHERE id = ?", [.integer(run.rawValue)])

        let marked = try store.markStaleRunsInterrupted()

        XCTAssertEqual(marked, [run])
        XCTAssertEqual(try store.run(id: run)?.status, .interrupted)
    }

    func testFinishUnknownRunThrows() throws {
        let store = try makeStore()
        let missing = RunID(rawValue: 42)

        XCTAssertThrowsError(try store.finishRun(missing)) { error in
            XCTAssertEqual(error as? RunStoreError, .runNotFound(missing))
        }
    }

    func testStartTrainingIsIdempotent() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        let first = try store.startTraining(run: run, sourceIndex: 2)
        let second = try store.startTraining(run: run, sourceIndex: 2)

        XCTAssertEqual(first.id, second.id)
        XCTAssertEqual(try store.trainings(run: run).count, 1)
    }

    func testFinishedTrainingStaysFinished() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let training = try store.startTraining(run: run, sourceIndex: 2)
        try store.finishTraining(training.id, steps: 4096, wallSeconds: 12.5)

        let restarted = try store.startTraining(run: run, sourceIndex: 2)

        XCTAssertEqual(restarted.status, .finished)
        XCTAssertEqual(restarted.steps, 4096)
        XCTAssertEqual(restarted.wallSeconds, 12.5)
        XCTAssertNotNil(restarted.finishedAt)
    }

    func testInterruptedTrainingRestarts() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let training = try store.startTraining(run: run, sourceIndex: 1)
        try store.updateTrainingProgress(training.id, steps: 512, wallSeconds: 3)
        try store.finishTraining(training.id, status: .interrupted, steps: 1024, wallSeconds: 4)

        let restarted = try store.startTraining(run: run, sourceIndex: 1)

        XCTAssertEqual(restarted.id, training.id)
        XCTAssertEqual(restarted.status, .running)
        XCTAssertEqual(restarted.steps, 1024)
        XCTAssertNil(restarted.finishedAt)
    }
}
