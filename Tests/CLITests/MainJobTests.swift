import Foundation
import RunStore
import XCTest

/// The main job in miniature through the built binary: tiny budgets, checked output and
/// stored rows.
final class MainJobTests: XCTestCase {
    static let tinyArguments = [
        "train", "--env", "cartpole", "--contexts", "list:length=0.3|0.5|0.8", "--budget", "2",
        "--steps", "512", "--episodes", "2", "--policy", "none",
    ]

    func testTinyMainJobWithSharedPolicy() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        var arguments = Self.tinyArguments
        arguments[arguments.firstIndex(of: "none")!] = "openbook"
        let result = try CommandRunner.run(
            arguments + ["--db", path, "--no-artifacts", "--json", "--quiet"])
        XCTAssertEqual(result.status, 0, result.error)
        // With --json the table goes to standard error and the JSON is all of standard output.
        XCTAssertTrue(result.error.contains("shared openbook policy"), result.error)
        let summary = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let shared = try XCTUnwrap(summary["shared_policy"] as? [String: Any])
        XCTAssertEqual((shared["evaluations"] as? [Any])?.count, 3)
        XCTAssertNotNil(shared["generalized_performance"] as? Double)
        let store = try RunStore(path: path)
        let run = try XCTUnwrap(try store.runs().first)
        XCTAssertEqual(
            try store.metricHistory(run: run.id, key: "shared/openbook/return_mean").count, 3)
        XCTAssertNotNil(try store.loadCheckpoint(run: run.id, name: "shared/attention"))
    }

    func testTinyMainJobPrintsSummaryAndStoresRows() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        let out = directory.appendingPathComponent("out").path
        let result = try CommandRunner.run(
            Self.tinyArguments + ["--db", path, "--out", out, "--json"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.error.contains("Selection with mbtl-gp on 3 contexts"), result.error)
        XCTAssertTrue(result.error.contains("Report: \(out)/runs-run1_report.html"), result.error)
        let report = try String(contentsOfFile: out + "/runs-run1_report.html", encoding: .utf8)
        XCTAssertTrue(report.contains("finished"))
        XCTAssertTrue(report.contains("<svg"))
        XCTAssertTrue(report.contains("data:image/gif;base64,"))

        let summary = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let chosen = try XCTUnwrap(summary["chosen_sources"] as? [Int])
        XCTAssertEqual(chosen.count, 2)
        XCTAssertEqual(chosen.first, 1, "MBTL-GP starts in the middle of the range")
        XCTAssertEqual((summary["evaluations"] as? [Any])?.count, 6)
        let steps = try XCTUnwrap(summary["steps"] as? [[String: Any]])
        XCTAssertNotNil(steps.last?["generalized_performance"] as? Double)

        let store = try RunStore(path: path)
        let run = try XCTUnwrap(try store.runs().first)
        XCTAssertEqual(run.status, .finished)
        XCTAssertEqual(try store.contexts(run: run.id).count, 3)
        XCTAssertEqual(try store.evaluations(run: run.id).count, 6)
        XCTAssertEqual(try store.selectionSteps(run: run.id).count, 2)
        XCTAssertEqual(try store.trainings(run: run.id).filter { $0.status == .finished }.count, 2)
        XCTAssertFalse(try store.metricHistory(run: run.id, key: "losses/value").isEmpty)
        XCTAssertEqual(try store.checkpoints(run: run.id).count, 2)
        XCTAssertEqual(Set(try store.artifacts(run: run.id).map(\.kind)), ["gif", "report"])
    }

    /// Also across thread counts: two update threads give the results of one.
    func testSameSeedSameChoicesAndReturns() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let first = try CommandRunner.run(
            Self.tinyArguments + ["--db", directory.appendingPathComponent("a.sqlite").path,
                                  "--json", "--quiet", "--no-artifacts", "--threads", "1"])
        let second = try CommandRunner.run(
            Self.tinyArguments + ["--db", directory.appendingPathComponent("b.sqlite").path,
                                  "--json", "--quiet", "--no-artifacts", "--threads", "2"])
        func evaluations(_ result: CommandResult) throws -> String {
            let object = try JSONSerialization.jsonObject(
                with: Data(result.outputLines.last!.utf8)) as? [String: Any]
            let data = try JSONSerialization.data(
                withJSONObject: object?["evaluations"] ?? [], options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
        XCTAssertEqual(try evaluations(first), try evaluations(second))
    }

    func testSigkillKeepsFinishedUnitsAndResumeSkipsThem() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = [
            "train", "--env", "cartpole", "--contexts", "list:length=0.3|0.5|0.8",
            "--budget", "3", "--steps", "1024", "--episodes", "2", "--policy", "none",
            "--db", path, "--quiet", "--no-artifacts",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Wait until the first unit is stored, then kill the process in the middle of the next.
        let deadline = Date().addingTimeInterval(120)
        var finished = 0
        while finished == 0 && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.2)
            if let store = try? RunStore(path: path), let run = try? store.runs().first {
                finished = (try? store.trainings(run: run.id))?
                    .filter { $0.status == .finished }.count ?? 0
            }
        }
        XCTAssertEqual(finished, 1, "the first unit did not finish in time")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let store = try RunStore(path: path)
        XCTAssertEqual(try store.integrityProblems(), [])
        let listed = try CommandRunner.run(["runs", "list", "--db", path])
        XCTAssertTrue(listed.output.contains("interrupted"), listed.output)
        let run = try XCTUnwrap(try store.runs().first)
        XCTAssertEqual(try store.evaluations(run: run.id).count, 3)

        let resumed = try CommandRunner.run(
            ["train", "--resume", String(run.id.rawValue), "--db", path, "--no-artifacts"])
        XCTAssertEqual(resumed.status, 0, resumed.error)
        XCTAssertTrue(resumed.error.contains("already finished, read back"), resumed.error)
        let after = try RunStore(path: path)
        XCTAssertEqual(try after.run(id: run.id)?.status, .finished)
        XCTAssertEqual(try after.evaluations(run: run.id).count, 9)
        XCTAssertEqual(try after.selectionSteps(run: run.id).count, 3)
    }

    func testInterruptMarksRunInterrupted() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = [
            "train", "--env", "cartpole", "--contexts", "list:length=0.3|0.5",
            "--budget", "2", "--steps", "100000", "--policy", "none", "--db", path, "--quiet",
            "--no-artifacts",
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        kill(process.processIdentifier, SIGINT)
        let message = String(
            decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertTrue(message.contains("--resume"), message)
        let store = try RunStore(path: path)
        XCTAssertEqual(try store.runs().first?.status, .interrupted)
    }

    func testStrategyAllTrainsEveryContextAndReportsEveryStrategy() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        var arguments = Self.tinyArguments
        arguments += ["--strategy", "all", "--db", path, "--no-artifacts", "--json", "--quiet"]
        let result = try CommandRunner.run(arguments)
        XCTAssertEqual(result.status, 0, result.error)
        let summary = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let strategies = try XCTUnwrap(summary["strategies"] as? [[String: Any]])
        XCTAssertEqual(
            Set(strategies.compactMap { $0["strategy"] as? String }),
            ["mbtl-gp", "mbtl-ps", "mbtl-es", "random", "sequential-oracle", "oracle",
             "independent", "multitask"])
        let store = try RunStore(path: path)
        let run = try XCTUnwrap(try store.runs().first)
        XCTAssertEqual(try store.evaluations(run: run.id).count, 9)
        XCTAssertEqual(try store.trainings(run: run.id).filter { $0.status == .finished }.count, 3)
        XCTAssertEqual(
            try store.metricHistory(run: run.id, key: "multitask/equal-total/return_mean").count, 3)
        XCTAssertTrue(result.error.contains("equal-unit"), result.error)
        // The stored matrix feeds offline selection.
        let exported = try CommandRunner.run(
            ["runs", "export", "1", "--format", "csv", "--table", "matrix", "--db", path])
        XCTAssertEqual(exported.status, 0, exported.error)
        // A header, three sources, and the multi-task row.
        XCTAssertEqual(exported.outputLines.count, 5)
        let matrixPath = directory.appendingPathComponent("matrix.csv")
        try exported.output.write(to: matrixPath, atomically: true, encoding: .utf8)
        let selected = try CommandRunner.run(
            ["select", "--matrix", matrixPath.path, "--strategy", "mbtl-ps", "--budget", "2",
             "--bounds", "0,500", "--json"])
        XCTAssertEqual(selected.status, 0, selected.error)
        XCTAssertTrue(selected.output.contains("\"chosen\":1"), selected.output)

        // The oracle is an upper bound of every selection strategy's curve.
        let oracle = try XCTUnwrap(
            strategies.first { $0["strategy"] as? String == "oracle" }?["curve"] as? [Double])
        // The report draws every strategy with the baselines as lines.
        let reportPath = directory.appendingPathComponent("report.html").path
        let reported = try CommandRunner.run(["report", "1", "--out", reportPath, "--db", path])
        XCTAssertEqual(reported.status, 0, reported.error)
        let html = try String(contentsOfFile: reportPath, encoding: .utf8)
        for name in ["random (mean of orderings)", "oracle", "independent", "multitask",
                     "mbtl-gp", "Transfer matrix"] {
            XCTAssertTrue(html.contains(name), name)
        }

        // The multi-task policy is not one of the trained sources, so the oracle does not
        // bound it.
        for strategy in strategies where strategy["strategy"] as? String != "multitask" {
            let curve = try XCTUnwrap(strategy["curve"] as? [Double])
            for (value, bound) in zip(curve, oracle) {
                XCTAssertLessThanOrEqual(value, bound + 1e-12, "\(strategy["strategy"] ?? "")")
            }
        }
    }

    func testUnwritableOutputFailsBeforeTraining() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        // A regular file where the output folder should be cannot hold the GIF or report.
        let blocker = directory.appendingPathComponent("blocker")
        FileManager.default.createFile(atPath: blocker.path, contents: Data())
        let result = try CommandRunner.run(
            Self.tinyArguments + [
                "--db", path, "--out", blocker.appendingPathComponent("out").path, "--quiet",
            ])
        XCTAssertEqual(result.status, 2, result.error)
        XCTAssertTrue(result.error.contains("cannot write to the output folder"), result.error)
        XCTAssertTrue(result.error.contains("--no-artifacts"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "no run was stored")
    }

    func testThreadsAboveTwoExitTwoBeforeStoring() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        let result = try CommandRunner.run(
            Self.tinyArguments + ["--db", path, "--threads", "3", "--quiet", "--no-artifacts"])
        XCTAssertEqual(result.status, 2, result.error)
        XCTAssertTrue(result.error.contains("--threads 3"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "no run was stored")
        let dryRun = try CommandRunner.run(Self.tinyArguments + ["--threads", "3", "--dry-run"])
        XCTAssertEqual(dryRun.status, 2, dryRun.error)
    }

    func testResumeOfUnknownRunExitsTwo() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("runs.sqlite").path
        _ = try RunStore(path: path)
        let result = try CommandRunner.run(["train", "--resume", "42", "--db", path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("run 42"), result.error)
    }
}
