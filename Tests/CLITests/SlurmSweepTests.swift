import Foundation
import RunStore
import XCTest

/// Sweeps through a real Slurm cluster. `make test` starts a single-node cluster with
/// scripts/slurm/start-cluster.sh and sets SLURM_CONF and CTXRL_REQUIRE_SLURM=1; without a
/// cluster these tests are skipped, unless CTXRL_REQUIRE_SLURM=1 requires one.
final class SlurmSweepTests: XCTestCase {
    /// Returns the arguments of a four-context sweep. The `steps` per unit set how long each
    /// array task runs.
    static func arguments(steps: Int) -> [String] {
        [
            "sweep", "--env", "cartpole", "--contexts", "list:length=0.3|0.5|0.8|1.2",
            "--strategy", "all", "--budget", "2", "--steps", String(steps), "--episodes", "2",
            "--parallel", "2", "--pack", "1",
        ]
    }

    override func setUpWithError() throws {
        let environment = ProcessInfo.processInfo.environment
        if environment["SLURM_CONF"] == nil {
            if environment["CTXRL_REQUIRE_SLURM"] == "1" {
                XCTFail("CTXRL_REQUIRE_SLURM=1 but SLURM_CONF is not set; start a cluster "
                        + "with scripts/slurm/start-cluster.sh and source its env.sh")
            }
            throw XCTSkip("no Slurm cluster (SLURM_CONF is not set)")
        }
    }

    func testSlurmSweepMatchesLocalSweep() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let slurm = directory.appendingPathComponent("slurm.sqlite").path
        let viaSlurm = try CommandRunner.run(
            Self.arguments(steps: 512) + ["--backend", "slurm", "--db", slurm, "--work", directory.path + "/s"])
        XCTAssertEqual(viaSlurm.status, 0, viaSlurm.error)
        XCTAssertTrue(viaSlurm.error.contains("submitted Slurm job"), viaSlurm.error)
        // Four source units and two multi-task baselines, one per task with --pack 1.
        XCTAssertTrue(viaSlurm.error.contains("tasks: 6 of 6 ended (0 failed)"), viaSlurm.error)

        let local = directory.appendingPathComponent("local.sqlite").path
        let viaLocal = try CommandRunner.run(
            Self.arguments(steps: 512) + ["--backend", "local", "--db", local, "--work", directory.path + "/l"])
        XCTAssertEqual(viaLocal.status, 0, viaLocal.error)
        XCTAssertEqual(
            try SweepCommandTests.evaluations(slurm), try SweepCommandTests.evaluations(local))
        XCTAssertEqual(try SweepCommandTests.evaluations(slurm).count, 16)
    }

    func testKilledArrayTaskIsRedoneAloneOnRerun() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let db = directory.appendingPathComponent("runs.sqlite").path
        // Units long enough (about 9 s in a debug build) to catch a task while it runs.
        let arguments = Self.arguments(steps: 2048) + [
            "--backend", "slurm", "--db", db, "--work", directory.path + "/work",
        ]
        let sweep = Process()
        sweep.executableURL = CommandRunner.executable
        sweep.arguments = arguments
        let log = directory.appendingPathComponent("first.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        sweep.standardOutput = handle
        sweep.standardError = handle
        try sweep.run()

        // Cancel the first task of this sweep's job seen running; other tests may have jobs
        // of their own on the cluster.
        var killed: String?
        let deadline = Date(timeIntervalSinceNow: 120)
        while killed == nil && Date() < deadline && sweep.isRunning {
            Thread.sleep(forTimeInterval: 0.2)
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard let range = text.range(of: "submitted Slurm job ") else { continue }
            let job = String(text[range.upperBound...].prefix { $0.isNumber })
            let queue = try shell("squeue", ["-h", "-r", "-t", "RUNNING", "-j", job, "-o", "%i"])
            if let task = queue.split(separator: "\n").first.map(String.init) {
                _ = try shell("scancel", [task])
                killed = task
            }
        }
        sweep.waitUntilExit()
        try handle.close()
        let first = try String(contentsOf: log, encoding: .utf8)
        let task = try XCTUnwrap(killed, "no array task was seen running: \(first)")
        XCTAssertEqual(sweep.terminationStatus, 1, first)
        XCTAssertTrue(first.contains("did not finish"), first)

        let store = try RunStore(path: db)
        let run = try XCTUnwrap(try store.runs().first)
        let finished = try store.trainings(run: run.id).filter { $0.status == .finished }
        let missing = Set(0..<4).subtracting(finished.map(\.sourceIndex)).sorted()
        XCTAssertEqual(missing, [Int(task.split(separator: "_")[1])!], first)

        let rerun = try CommandRunner.run(arguments)
        XCTAssertEqual(rerun.status, 0, rerun.error)
        XCTAssertTrue(
            rerun.error.contains("== round 0: 1 unit (\(missing[0])) in 1 task"), rerun.error)
        let after = try store.trainings(run: run.id)
        XCTAssertEqual(after.map(\.status), Array(repeating: .finished, count: 4))
        // Finished units keep their rows: they were not trained again.
        for training in finished {
            XCTAssertEqual(
                after.first { $0.sourceIndex == training.sourceIndex }?.startedAt,
                training.startedAt)
        }
    }

    /// Runs a Slurm client command and returns its standard output.
    private func shell(_ command: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
