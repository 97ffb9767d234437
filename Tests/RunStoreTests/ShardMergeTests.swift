import Foundation
import RunStore
import XCTest

/// Merging shards: a finished unit's rows are copied whole, once, and shards of another run
/// or configuration are refused before anything is written.
final class ShardMergeTests: RunStoreTestCase {
    /// Writes a finished training of `source` with two metrics, its evaluations on every
    /// target and a checkpoint, as a unit does.
    private func finishUnit(_ store: RunStore, run: RunID, source: Int, targets: Int = 3) throws {
        let training = try store.startTraining(run: run, sourceIndex: source)
        try store.logMetrics(
            run: run, training: training.id,
            [
                MetricSample(key: "train/return", step: 256, value: 10 + Double(source)),
                MetricSample(key: "train/return", step: 512, value: 20 + Double(source)),
            ])
        try store.recordEvaluations(
            run: run,
            (0..<targets).map {
                Evaluation(
                    source: source, target: $0, episodes: 2, mean: Double(100 * source + $0),
                    standardDeviation: 0.5)
            })
        try store.saveCheckpoint(
            run: run, training: training.id, name: "source-\(source)/policy",
            data: Data([UInt8(source), 1, 2]))
        try store.finishTraining(training.id, steps: 512, wallSeconds: 1.5 + Double(source))
    }

    func testMergeCopiesFinishedUnitsWithTheirRowsOnce() throws {
        let main = try makeStore()
        let run = try makeRun(main)
        let shard = try makeStore("shard.sqlite")
        let shardRun = try makeRun(shard)
        try finishUnit(shard, run: shardRun, source: 2)
        try finishUnit(shard, run: shardRun, source: 0)

        let first = try main.merge(shard: shard, into: run)
        XCTAssertEqual(first.merged.sorted(), [0, 2])
        XCTAssertEqual(first.alreadyPresent, [])

        let trainings = try main.trainings(run: run)
        XCTAssertEqual(trainings.map(\.sourceIndex), [0, 2])
        XCTAssertEqual(trainings.map(\.status), [.finished, .finished])
        XCTAssertEqual(trainings.map(\.wallSeconds), [1.5, 3.5])
        let evaluations = try main.evaluations(run: run)
        XCTAssertEqual(evaluations.count, 6)
        XCTAssertEqual(evaluations.first { $0.source == 2 && $0.target == 1 }?.mean, 201)
        XCTAssertEqual(
            try main.metricHistory(run: run, training: trainings[1].id, key: "train/return")
                .map(\.value), [12, 22])
        XCTAssertEqual(
            try main.loadCheckpoint(run: run, name: "source-2/policy"), Data([2, 1, 2]))

        let second = try main.merge(shard: shard, into: run)
        XCTAssertEqual(second.merged, [])
        XCTAssertEqual(second.alreadyPresent.sorted(), [0, 2])
        XCTAssertEqual(try main.evaluations(run: run).count, 6)
        XCTAssertEqual(try main.allMetrics(run: run).count, 4)
    }

    func testUnfinishedShardUnitIsNotMerged() throws {
        let main = try makeStore()
        let run = try makeRun(main)
        let shard = try makeStore("shard.sqlite")
        let shardRun = try makeRun(shard)
        let training = try shard.startTraining(run: shardRun, sourceIndex: 1)
        try shard.finishTraining(training.id, status: .interrupted, steps: 256, wallSeconds: 1)

        let merge = try main.merge(shard: shard, into: run)
        XCTAssertEqual(merge.unfinished, [1])
        XCTAssertEqual(merge.merged, [])
        XCTAssertEqual(try main.trainings(run: run), [])
    }

    func testFinishedShardUnitReplacesAnInterruptedAttempt() throws {
        let main = try makeStore()
        let run = try makeRun(main)
        let attempt = try main.startTraining(run: run, sourceIndex: 1)
        try main.logMetric(run: run, training: attempt.id, key: "train/return", step: 256, value: -1)
        try main.finishTraining(attempt.id, status: .interrupted, steps: 256, wallSeconds: 1)
        let shard = try makeStore("shard.sqlite")
        try finishUnit(shard, run: try makeRun(shard), source: 1)

        XCTAssertEqual(try main.merge(shard: shard, into: run).merged, [1])
        let training = try XCTUnwrap(try main.trainings(run: run).first)
        XCTAssertEqual(training.status, .finished)
        XCTAssertEqual(
            try main.metricHistory(run: run, training: training.id, key: "train/return")
                .map(\.value), [11, 21])
    }

    func testRunLevelMetricsAreCopiedOncePerKey() throws {
        let main = try makeStore()
        let run = try makeRun(main)
        let shard = try makeStore("shard.sqlite")
        let shardRun = try makeRun(shard)
        try shard.logMetrics(
            run: shardRun,
            (0..<3).map {
                MetricSample(key: "multitask/equal-total/return_mean", step: $0, value: Double($0))
            })
        try main.logMetric(run: run, key: "kept", step: 0, value: 7)
        try shard.logMetric(run: shardRun, key: "kept", step: 0, value: -1)

        let first = try main.merge(shard: shard, into: run)
        XCTAssertEqual(first.metricKeys, ["multitask/equal-total/return_mean"])
        XCTAssertEqual(
            try main.metricHistory(run: run, key: "multitask/equal-total/return_mean")
                .map(\.value), [0, 1, 2])
        XCTAssertEqual(try main.metricHistory(run: run, key: "kept").map(\.value), [7])

        let second = try main.merge(shard: shard, into: run)
        XCTAssertEqual(second.metricKeys, [])
        XCTAssertEqual(
            try main.metricHistory(run: run, key: "multitask/equal-total/return_mean").count, 3)
    }

    func testRunWithContextsIsCreatedWhole() throws {
        let store = try makeStore()
        // A non-finite feature fails the contexts, which must take the run back with them.
        XCTAssertThrowsError(
            try store.createRun(
                name: "whole", kind: "sweep", configuration: "{}", seed: 1, ctxrlVersion: "test",
                contexts: [["length": 0.5], ["length": .nan]]))
        XCTAssertEqual(try store.runs(), [])

        let run = try store.createRun(
            name: "whole", kind: "sweep", configuration: "{}", seed: 1, ctxrlVersion: "test",
            contexts: [["length": 0.5], ["length": 1]])
        XCTAssertEqual(try store.contexts(run: run).map(\.features), [["length": 0.5], ["length": 1]])
    }

    func testShardWithoutRunMergesNothing() throws {
        let main = try makeStore()
        let run = try makeRun(main)
        let empty = try makeStore("empty.sqlite")
        XCTAssertEqual(try main.merge(shard: empty, into: run), ShardMerge())
        XCTAssertEqual(try main.trainings(run: run), [])
    }

    func testShardsOfAnotherRunOrConfigurationAreRefused() throws {
        let main = try makeStore()
        let run = try makeRun(main)

        let otherName = try makeStore("other-name.sqlite")
        try finishUnit(otherName, run: try makeRun(otherName, name: "another"), source: 0)
        XCTAssertThrowsError(try main.merge(shard: otherName, into: run)) { error in
            guard case RunStoreError.shardMismatch(_, let reason) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(reason.contains("'another'"), reason)
        }

        let otherConfiguration = try makeStore("other-configuration.sqlite")
        let changed = try otherConfiguration.createRun(
            name: "run", kind: "train", configuration: #"{"env":"pendulum"}"#, seed: 1,
            ctxrlVersion: "0.1.0")
        try otherConfiguration.addContexts(
            run: changed, (0..<3).map { ["length": 0.25 * Double($0 + 1)] })
        XCTAssertThrowsError(try main.merge(shard: otherConfiguration, into: run)) { error in
            XCTAssertTrue("\(error)".contains("different configuration"), "\(error)")
        }

        let otherContexts = try makeStore("other-contexts.sqlite")
        _ = try makeRun(otherContexts, contextCount: 4)
        XCTAssertThrowsError(try main.merge(shard: otherContexts, into: run)) { error in
            XCTAssertTrue("\(error)".contains("different context set"), "\(error)")
        }
        XCTAssertEqual(try main.trainings(run: run), [])
    }
}
