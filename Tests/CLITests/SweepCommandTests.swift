import Foundation
import RunStore
import XCTest

/// `ctxrl sweep`, `unit` and `merge` through the built binary, with the local backend.
final class SweepCommandTests: XCTestCase {
    static let tinySweep = [
        "sweep", "--env", "cartpole", "--contexts", "list:length=0.3|0.5|0.8|1.2",
        "--strategy", "all", "--budget", "2", "--steps", "512", "--episodes", "2",
    ]

    /// Reads every evaluation of a run as (source, target, mean, standard deviation) rows.
    static func evaluations(_ path: String) throws -> [[Double]] {
        let store = try RunStore(path: path)
        let run = try XCTUnwrap(try store.runs().last)
        return try store.evaluations(run: run.id).map {
            [Double($0.source), Double($0.target), $0.mean, $0.standardDeviation]
        }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Reads the values of a run-level metric of the last run, in step order.
    static func runMetric(_ path: String, _ key: String) throws -> [Double] {
        let store = try RunStore(path: path)
        let run = try XCTUnwrap(try store.runs().last)
        return try store.metricHistory(run: run.id, key: key).map(\.value)
    }

    func testLocalSweepGivesTheMatrixOfTrainAll() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let swept = directory.appendingPathComponent("sweep.sqlite").path
        let sweep = try CommandRunner.run(
            Self.tinySweep + ["--backend", "local", "--parallel", "2", "--db", swept],
            in: directory)
        XCTAssertEqual(sweep.status, 0, sweep.error)
        XCTAssertTrue(
            sweep.error.contains(
                "== round 0: 6 units (0, 1, 2, 3, multitask:equal-total, multitask:equal-unit)"),
            sweep.error)
        XCTAssertTrue(sweep.output.contains("Strategies on the full 4x4 transfer matrix"))

        let trained = directory.appendingPathComponent("train.sqlite").path
        var train = Self.tinySweep
        train[0] = "train"
        let result = try CommandRunner.run(
            train + ["--policy", "none", "--no-artifacts", "--quiet", "--db", trained])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(try Self.evaluations(swept), try Self.evaluations(trained))
        XCTAssertEqual(try Self.evaluations(swept).count, 16)
        for key in ["multitask/equal-total/return_mean", "multitask/equal-unit/return_mean"] {
            XCTAssertEqual(try Self.runMetric(swept, key), try Self.runMetric(trained, key), key)
            XCTAssertEqual(try Self.runMetric(swept, key).count, 4, key)
        }
        XCTAssertTrue(sweep.output.contains("equal-total"), sweep.output)

        // The same command again finds the finished run and trains nothing.
        let again = try CommandRunner.run(
            Self.tinySweep + ["--backend", "local", "--db", swept], in: directory)
        XCTAssertEqual(again.status, 0, again.error)
        XCTAssertFalse(again.error.contains("== round"), again.error)
        XCTAssertEqual(try RunStore(path: swept).runs().count, 1)
    }

    func testSequentialSweepMakesTrainsChoices() throws {
        let directory = try CommandRunner.temporaryDirectory()
        var arguments = Self.tinySweep
        arguments[arguments.firstIndex(of: "all")!] = "mbtl-gp"
        let swept = directory.appendingPathComponent("sweep.sqlite").path
        let sweep = try CommandRunner.run(
            arguments + ["--backend", "local", "--db", swept, "--quiet"], in: directory)
        XCTAssertEqual(sweep.status, 0, sweep.error)
        var train = arguments
        train[0] = "train"
        let trained = directory.appendingPathComponent("train.sqlite").path
        let result = try CommandRunner.run(
            train + ["--policy", "none", "--no-artifacts", "--quiet", "--db", trained])
        XCTAssertEqual(result.status, 0, result.error)

        func steps(_ path: String) throws -> [[Double]] {
            let store = try RunStore(path: path)
            let run = try XCTUnwrap(try store.runs().last)
            return try store.selectionSteps(run: run.id).map {
                [Double($0.chosenIndex), $0.generalizedPerformance ?? -1] + $0.predictedMeans
            }
        }
        XCTAssertEqual(try steps(swept), try steps(trained))
        XCTAssertEqual(try steps(swept).count, 2)
        XCTAssertEqual(try Self.evaluations(swept), try Self.evaluations(trained))
    }

    func testUnitIdempotentAndForeignShardRejected() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let first = directory.appendingPathComponent("first").path
        let second = directory.appendingPathComponent("second").path
        for (folder, seed) in [(first, "1"), (second, "2")] {
            let dry = try CommandRunner.run(
                Self.tinySweep + [
                    "--backend", "slurm", "--dry-run", "--work", folder, "--seed", seed,
                ], in: directory)
            XCTAssertEqual(dry.status, 0, dry.error)
        }
        let script = try String(contentsOfFile: first + "/round-0.sbatch", encoding: .utf8)
        // Four cheap source units in two tasks, and a task for each multi-task baseline.
        XCTAssertTrue(script.contains("#SBATCH --array=0-3%2"), script)
        XCTAssertFalse(
            FileManager.default.fileExists(
                atPath: directory.appendingPathComponent("ctxrl-runs.sqlite").path),
            "a dry run stores nothing")

        let unit = try CommandRunner.run(["unit", "--sweep", first, "--index", "1"])
        XCTAssertEqual(unit.status, 0, unit.error)
        XCTAssertTrue(unit.error.contains("source 1 trained"), unit.error)
        let again = try CommandRunner.run(["unit", "--sweep", first, "--index", "1"])
        XCTAssertTrue(again.error.contains("source 1 already finished, read back"), again.error)
        // A second dry run keeps the first script and leaves the finished unit out.
        let redo = try CommandRunner.run(
            Self.tinySweep + ["--backend", "slurm", "--dry-run", "--work", first, "--seed", "1"])
        XCTAssertEqual(redo.status, 0, redo.error)
        let rescript = try String(contentsOfFile: first + "/round-0-2.sbatch", encoding: .utf8)
        XCTAssertTrue(rescript.contains("5 units in 5 array tasks"), rescript)
        XCTAssertEqual(
            try String(contentsOfFile: first + "/round-0.sbatch", encoding: .utf8), script)
        let outside = try CommandRunner.run(["unit", "--sweep", first, "--index", "0,9"])
        XCTAssertEqual(outside.status, 2)
        XCTAssertTrue(outside.error.contains("unit 9 does not exist"), outside.error)

        let db = directory.appendingPathComponent("runs.sqlite").path
        let merge = try CommandRunner.run(["merge", "--sweep", first, "--db", db])
        XCTAssertEqual(merge.status, 0, merge.error)
        XCTAssertTrue(
            merge.output.contains(
                "finished units: 1; missing: 0, 2, 3, multitask:equal-total, multitask:equal-unit"),
            merge.output)
        XCTAssertEqual(try RunStore(path: db).runs().first?.status, .interrupted)

        // A shard of the other sweep (another seed) in this sweep's folder is rejected.
        _ = try CommandRunner.run(["unit", "--sweep", second, "--index", "2"])
        try FileManager.default.copyItem(
            atPath: second + "/shards/unit-00002.sqlite", toPath: first + "/shards/unit-00002.sqlite")
        let foreign = try CommandRunner.run(["merge", "--sweep", first, "--db", db])
        XCTAssertEqual(foreign.status, 2)
        XCTAssertTrue(foreign.error.contains("cannot be merged"), foreign.error)
        XCTAssertEqual(try Self.evaluations(db).count, 4, "the merged unit is kept")
        // A store that does not exist yet is not created by a rejected merge.
        let fresh = directory.appendingPathComponent("fresh.sqlite").path
        let rejected = try CommandRunner.run(["merge", "--sweep", first, "--db", fresh])
        XCTAssertEqual(rejected.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh), rejected.error)
    }

    func testBadSweepOptionsExitWithStatusTwo() throws {
        let cases: [([String], String)] = [
            (["--backend", "pbs"], "--backend 'pbs' is unknown"),
            (["--batch", "2"], "--batch 2 applies to selection strategies"),
            (["--backend", "local", "--partition", "gpu"], "--partition applies to --backend slurm"),
            (["--parallel", "0"], "--parallel"),
            (["--backend", "slurm", "--work", "/tmp/run a"], "cannot hold"),
        ]
        let directory = try CommandRunner.temporaryDirectory()
        // Without --budget, 'all' on fewer contexts than the default budget still runs.
        var noBudget = Self.tinySweep
        let budget = try XCTUnwrap(noBudget.firstIndex(of: "--budget"))
        noBudget.removeSubrange(budget...(budget + 1))
        let dry = try CommandRunner.run(
            noBudget + ["--dry-run", "--work", directory.path + "/nobudget"])
        XCTAssertEqual(dry.status, 0, dry.error)
        try FileManager.default.removeItem(atPath: directory.path + "/nobudget")

        for (options, message) in cases {
            let result = try CommandRunner.run(Self.tinySweep + options, in: directory)
            XCTAssertEqual(result.status, 2, "\(options): \(result.error)")
            XCTAssertTrue(result.error.contains(message), "\(options): \(result.error)")
        }
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: directory.path), [],
            "bad input writes nothing")
        let missing = try CommandRunner.run(["unit", "--sweep", directory.path, "--index", "0"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.error.contains("cannot read the sweep manifest"), missing.error)
    }
}
