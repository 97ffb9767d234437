import Environments
import Foundation
import RunStore
import Sweep
import Transfer
import XCTest

/// The sweep driver with an in-process backend: rounds, merging, failed tasks and reruns.
final class SweepTests: XCTestCase {
    func testSweepEqualsTheStudyRunInOneProcess() throws {
        let directory = try SweepFixtures.temporaryFolder()
        let manifest = try SweepFixtures.manifest()
        let folder = SweepFolder(path: directory.appendingPathComponent("work").path)
        try folder.prepare(manifest)
        let study = try SweepFixtures.study(
            manifest: manifest, storePath: directory.appendingPathComponent("a.sqlite").path)
        let sweep = Sweep(study: study, folder: folder, backend: InProcessBackend(), parallel: 2)
        let swept = try sweep.runAll()

        let direct = try SweepFixtures.study(
            manifest: manifest, storePath: directory.appendingPathComponent("b.sqlite").path)
        let (units, matrix) = try direct.runAllUnits(parallelism: 1)
        XCTAssertEqual(swept.matrix.returns, matrix.returns)
        let multitask = try direct.runMultitask(.equalTotal)
        XCTAssertEqual(swept.matrix.multitaskReturns, multitask.means)
        XCTAssertEqual(swept.multitask.map(\.label), ["equal-total", "equal-unit"])
        XCTAssertEqual(swept.units.map(\.standardDeviations), units.map(\.standardDeviations))
        XCTAssertEqual(
            try study.store.trainings(run: study.run).map(\.status),
            Array(repeating: .finished, count: 4))
        XCTAssertNotNil(
            try study.store.loadCheckpoint(
                run: study.run, name: TransferStudy.checkpointName(source: 3)))
    }

    func testRerunRunsOnlyMissingUnits() throws {
        let directory = try SweepFixtures.temporaryFolder()
        let manifest = try SweepFixtures.manifest()
        let folder = SweepFolder(path: directory.appendingPathComponent("work").path)
        try folder.prepare(manifest)
        let study = try SweepFixtures.study(
            manifest: manifest, storePath: directory.appendingPathComponent("runs.sqlite").path)

        let failing = InProcessBackend()
        failing.failing = [1]
        let first = Sweep(study: study, folder: folder, backend: failing, parallel: 2)
        first.packing = UnitPacking(unitsPerTask: 1)
        XCTAssertThrowsError(try first.runAll()) { error in
            XCTAssertEqual(
                error as? SweepError, .unitsMissing(units: [.source(1)], logs: "task-1.log"))
        }
        XCTAssertEqual(
            failing.ranUnits,
            [.source(0), .source(2), .source(3), .multitask(.equalTotal), .multitask(.equalUnit)])
        let finishedBefore = try study.store.trainings(run: study.run)
        XCTAssertEqual(finishedBefore.map(\.sourceIndex), [0, 2, 3])

        let rerun = InProcessBackend()
        let second = Sweep(study: study, folder: folder, backend: rerun, parallel: 2)
        second.packing = UnitPacking(unitsPerTask: 1)
        _ = try second.runAll()
        XCTAssertEqual(rerun.ranUnits, [.source(1)])
        let after = try study.store.trainings(run: study.run)
        XCTAssertEqual(after.map(\.sourceIndex), [0, 1, 2, 3])
        // The units finished in the first attempt are the same rows, not trained again.
        XCTAssertEqual(
            after.filter { $0.sourceIndex != 1 }.map(\.startedAt), finishedBefore.map(\.startedAt))
    }

    func testBatchSelectionRecordsOneStepPerSource() throws {
        let directory = try SweepFixtures.temporaryFolder()
        let manifest = try SweepFixtures.manifest()
        let folder = SweepFolder(path: directory.appendingPathComponent("work").path)
        try folder.prepare(manifest)
        let study = try SweepFixtures.study(
            manifest: manifest, storePath: directory.appendingPathComponent("runs.sqlite").path)
        let backend = InProcessBackend()
        let sweep = Sweep(study: study, folder: folder, backend: backend, parallel: 2)
        var rounds: [[SweepUnit]] = []
        sweep.onEvent = { if case .roundStarted(_, let units, _) = $0 { rounds.append(units) } }
        let batch = try BatchSelection(strategy: MBTLGaussianProcessStrategy(), size: 2)
        let steps = try sweep.runSelection(batch, budget: 3)

        XCTAssertEqual(rounds.map(\.count), [2, 1])
        XCTAssertEqual(steps.map { SweepUnit.source($0.decision.source) }, rounds.flatMap { $0 })
        let stored = try study.store.selectionSteps(run: study.run)
        XCTAssertEqual(stored.map(\.step), [0, 1, 2])
        XCTAssertEqual(stored.map(\.chosenIndex), steps.map(\.decision.source))
        // V_k comes from the real evaluations, not from the round's fantasies.
        let best = (0..<4).map { target in
            stored.map { step in
                TransferMatrix.normalizedPerformance(
                    steps.first { $0.decision.source == step.chosenIndex }!.unit.means[target],
                    returnBounds: EnvironmentKind.cartpole.returnBounds)
            }.max()!
        }
        XCTAssertEqual(
            try XCTUnwrap(stored.last?.generalizedPerformance), best.reduce(0, +) / 4,
            accuracy: 1e-12)
        let evaluations = try study.store.evaluations(run: study.run)
        XCTAssertEqual(evaluations.count, 12)
    }

    func testUnitWorkIsIdempotentAndChecksIndices() throws {
        let directory = try SweepFixtures.temporaryFolder()
        let folder = SweepFolder(path: directory.path)
        try folder.prepare(try SweepFixtures.manifest())
        let first = try UnitWork.run(indices: [2], folder: folder)
        XCTAssertEqual(first.map(\.wasStored), [false])
        let again = try UnitWork.run(indices: [2], folder: folder)
        XCTAssertEqual(again.map(\.wasStored), [true])
        XCTAssertEqual(again[0].means, first[0].means)
        XCTAssertEqual(folder.shardUnits(), [.source(2)])
        XCTAssertEqual(try folder.finishedUnits(), [.source(2)])
        XCTAssertThrowsError(try UnitWork.run(indices: [4], folder: folder)) {
            XCTAssertEqual($0 as? SweepError, .unitOutOfRange(index: 4, count: 4))
        }
    }

    func testFolderRefusesAnotherRunsManifest() throws {
        let directory = try SweepFixtures.temporaryFolder()
        let folder = SweepFolder(path: directory.path)
        try folder.prepare(try SweepFixtures.manifest())
        try folder.prepare(try SweepFixtures.manifest())
        XCTAssertThrowsError(try folder.prepare(try SweepFixtures.manifest(name: "other"))) {
            XCTAssertEqual(
                $0 as? SweepError, .folderOfAnotherRun(path: folder.path, run: "sweep-test"))
        }
    }

    func testUnitsParseFromTheirText() {
        XCTAssertEqual(SweepUnit(parsing: "7"), .source(7))
        XCTAssertEqual(SweepUnit(parsing: "multitask:equal-unit"), .multitask(.equalUnit))
        XCTAssertNil(SweepUnit(parsing: "-1"))
        XCTAssertNil(SweepUnit(parsing: "multitask:everything"))
        for unit in [SweepUnit.source(12), .multitask(.equalTotal)] {
            XCTAssertEqual(SweepUnit(parsing: unit.description), unit)
        }
    }

    func testPackingKeepsEnoughTasksForTheParallelism() {
        let packing = UnitPacking()
        let units = Array(0..<10)
        // 100k-step units pack 5 to a task by cost, but 10 units on 4 slots allow only 2,
        // so that no fewer than 4 tasks remain.
        XCTAssertEqual(
            packing.tasks(units, unitSteps: 100_000, parallel: 4),
            [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]])
        XCTAssertEqual(packing.tasks(units, unitSteps: 100_000, parallel: 2).count, 2)
        for parallel in 1...12 {
            XCTAssertGreaterThanOrEqual(
                packing.tasks(units, unitSteps: 1, parallel: parallel).count, min(parallel, 10))
        }
        // Million-step units get a task each.
        XCTAssertEqual(packing.tasks(units, unitSteps: 1_000_000, parallel: 2).count, 10)
        XCTAssertEqual(
            UnitPacking(unitsPerTask: 4).tasks(units, unitSteps: 1, parallel: 8),
            [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        XCTAssertEqual(packing.tasks([], unitSteps: 1, parallel: 2), [])
        // A thousand expensive units still fit one Slurm array with the two baselines.
        let thousand = packing.tasks(Array(0..<1000), unitSteps: 5_000_000, parallel: 64)
        XCTAssertLessThanOrEqual(thousand.count, 999)
        XCTAssertEqual(thousand.joined().count, 1000)
    }
}
