import Foundation
@testable import Sweep
import XCTest

/// The Slurm script and the reading of `squeue`, without a cluster. The real cluster is
/// exercised by the CLI tests when `make test` has started one.
final class SlurmBackendTests: XCTestCase {
    private let folder = SweepFolder(path: "/shared/sweeps/run-a")

    func testScriptListsEachTasksUnitsAndLimitsParallelism() {
        var backend = SlurmBackend(
            command: UnitInvocation(executable: "/opt/ctxrl/bin/ctxrl"), parallel: 2,
            partition: "cpu", timeLimit: "01:30:00")
        backend.dryRun = true
        let script = backend.script(
            tasks: [[.source(0), .source(1)], [.source(2), .source(3)], [.multitask(.equalTotal)]],
            round: 1, folder: folder)
        XCTAssertTrue(script.contains("round 1: 5 units in 3 array tasks"), script)
        let lines = script.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "#!/bin/bash")
        XCTAssertTrue(lines.contains("#SBATCH --array=0-2%2"), script)
        XCTAssertTrue(lines.contains("#SBATCH --partition=cpu"), script)
        XCTAssertTrue(lines.contains("#SBATCH --time=01:30:00"), script)
        XCTAssertTrue(lines.contains("#SBATCH --output=/shared/sweeps/run-a/logs/slurm-%A_%a.log"))
        XCTAssertEqual(
            Array(lines.drop { $0 != "units=(" }.prefix(5)),
            ["units=(", "  0,1", "  2,3", "  multitask:equal-total", ")"])
        XCTAssertEqual(
            lines.last,
            "exec /opt/ctxrl/bin/ctxrl unit --sweep /shared/sweeps/run-a --index "
                + "\"${units[$SLURM_ARRAY_TASK_ID]}\"")
    }

    func testScriptLeavesOutUnsetPartitionAndTime() {
        let backend = SlurmBackend(
            command: UnitInvocation(executable: "/ctxrl"), parallel: 8, partition: nil,
            timeLimit: nil)
        let script = backend.script(tasks: [[.source(0)]], round: 0, folder: folder)
        XCTAssertTrue(script.contains("round 0: 1 unit in 1 array task,"), script)
        XCTAssertFalse(script.contains("--partition"))
        XCTAssertFalse(script.contains("--time"))
        XCTAssertTrue(script.contains("#SBATCH --array=0-0%8"))
    }

    func testQuotingLeavesSafeWordsAlone() {
        XCTAssertEqual(SlurmBackend.quoted("/a/b-c_d.e"), "/a/b-c_d.e")
        XCTAssertEqual(SlurmBackend.quoted("it's"), "'it'\\''s'")
        XCTAssertEqual(SlurmBackend.quoted(""), "''")
    }

    func testQueueLinesGiveTaskStatesAndFailures() {
        let text = """
            41_0 COMPLETED
            41_1 RUNNING
            41_2 CANCELLED
            41_[3-5%2] PENDING
            42_0 RUNNING
            """
        let states = SlurmBackend.parseQueue(text, job: "41")
        XCTAssertEqual(states, [0: "COMPLETED", 1: "RUNNING", 2: "CANCELLED", -1: "PENDING"])
        let counts = SlurmBackend.counts(states, total: 6)
        XCTAssertEqual(counts.succeeded, 1)
        XCTAssertEqual(counts.failed, 1)
        XCTAssertEqual(counts.running, 1)
        XCTAssertEqual(counts.pending, 3)
    }

    func testEndedJobListsFailedAndUnrecordedTasks() {
        // Task 3 was cancelled while pending, which leaves no record at all.
        let states = SlurmBackend.parseQueue(
            "41_0 COMPLETED\n41_1 FAILED\n41_2 CANCELLED\n", job: "41")
        let failures = SlurmBackend.failures(states, job: "41", folder: folder, taskCount: 4)
        XCTAssertEqual(failures.map(\.task), [1, 2, 3])
        XCTAssertEqual(failures.map(\.reason).prefix(2), ["FAILED", "CANCELLED"])
        XCTAssertEqual(failures[1].log, folder.logsPath + "/slurm-41_2.log")
        XCTAssertTrue(failures[2].reason.hasPrefix("no record"), failures[2].reason)
    }

    func testEveryEndedStateCountsAsEnded() {
        let states = Dictionary(
            uniqueKeysWithValues: SlurmBackend.endedStates.sorted().enumerated().map {
                ($0.offset, $0.element)
            })
        let counts = SlurmBackend.counts(states, total: states.count)
        XCTAssertEqual(counts.pending + counts.running, 0)
        XCTAssertEqual(counts.succeeded, 1)
    }
}
