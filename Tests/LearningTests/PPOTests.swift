import Environments
import Foundation
import Neural
import Numerics
import XCTest

@testable import Learning

final class PPOTests: XCTestCase {
    func smallConfiguration() -> PPOConfiguration {
        var configuration = PPOConfiguration()
        configuration.copies = 2
        configuration.rolloutSteps = 16
        configuration.minibatchSize = 8
        configuration.epochs = 2
        configuration.totalSteps = 128
        configuration.hiddenWidths = [8]
        return configuration
    }

    // MARK: - Gaussian actions

    func testGaussianClipsOnlyTheEnvironmentCopy() throws {
        var configuration = smallConfiguration()
        configuration.initialLogStd = log(0.8)
        let environment = RecordingEnvironment(copies: 2, actionSpace: .box(dimension: 1))
        let trainer = try PPOTrainer(
            configuration: configuration, environment: environment, seed: 3)
        // Mean 0.5 everywhere: zero the head's weights and set its bias.
        let head = trainer.policy.actor.linears.last!
        head.weight.value.zero()
        head.bias.value.storage = [0.5]
        var buffer = RolloutBuffer(steps: 16, copies: 2, inputSize: 1, actionWidth: 1)
        var observations = environment.reset()
        var episodes = EpisodeTracker(copies: 2)
        _ = try trainer.collectRollout(
            into: &buffer, observations: &observations, episodes: &episodes)

        let sent = environment.receivedActions.flatMap { $0 }
        XCTAssertTrue(sent.allSatisfy { $0 >= -1 && $0 <= 1 })
        XCTAssertTrue(buffer.actions.storage.contains { abs($0) > 1 }, "no sample left bounds")
        for (raw, clipped) in zip(buffer.actions.storage, sent) {
            XCTAssertEqual(clipped, min(max(raw, -1), 1))
        }
        let gaussian = DiagonalGaussian(
            mean: Matrix(rows: 32, columns: 1, repeating: 0.5), logStd: [Float(log(0.8))])
        let expected = gaussian.logProbability(of: buffer.actions)
        for (stored, value) in zip(buffer.logProbabilities, expected) {
            XCTAssertEqual(stored, value, accuracy: 1e-5)
        }
    }

    func testClippedActionReferenceValues() throws {
        // Mean 0.5, standard deviation 0.8, raw sample 2.3, bounds [-1, 1].
        let environment = RecordingEnvironment(copies: 1, actionSpace: .box(dimension: 1))
        var configuration = smallConfiguration()
        configuration.copies = 1
        let trainer = try PPOTrainer(
            configuration: configuration, environment: environment, seed: 1)
        XCTAssertEqual(trainer.environmentActions(Matrix([[2.3]])), [1.0])
        let gaussian = DiagonalGaussian(mean: Matrix([[0.5]]), logStd: [Float(log(0.8))])
        let stored = gaussian.logProbability(of: Matrix([[2.3]]))[0]
        XCTAssertEqual(stored, -3.227044982, accuracy: 1e-6)
        let atClipped = gaussian.logProbability(of: Matrix([[1.0]]))[0]
        XCTAssertEqual(atClipped, -0.8911074819, accuracy: 1e-6)
    }

    // MARK: - Observation normalisation

    func testNormalizerReferenceValues() {
        var pipeline = ObservationPipeline(observationSize: 1, normalize: true, clip: 10)
        pipeline.normalizer = RunningMeanVariance(mean: [0.5], variance: [2.0], count: 1000)
        XCTAssertEqual(Double(pipeline.inputs([3.0]).storage[0]), 1.767766949, accuracy: 1e-6)
        XCTAssertEqual(pipeline.inputs([100]).storage[0], 10)
    }

    func testEvaluationLeavesStatisticsUnchanged() throws {
        var configuration = smallConfiguration()
        configuration.normalizeObservations = true
        let environment = RecordingEnvironment(copies: 2, actionSpace: .discrete(count: 2))
        let trainer = try PPOTrainer(
            configuration: configuration, environment: environment, seed: 1)
        let before = trainer.pipeline
        let results = PolicyEvaluation.evaluate(
            policy: trainer.policy, pipeline: trainer.pipeline,
            contexts: [Context(names: [], values: [])], episodes: 3, deterministic: true,
            seed: 5
        ) { contexts, seed in
            let evaluation = RecordingEnvironment(
                copies: contexts.count, actionSpace: .discrete(count: 2), seed: seed)
            evaluation.fixedObservation = 10
            return evaluation
        }
        XCTAssertEqual(results[0].episodes, 3)
        XCTAssertEqual(trainer.pipeline, before)
    }

    func testFrozenPipelineIgnoresUpdates() {
        var pipeline = ObservationPipeline(observationSize: 1, normalize: true, clip: 10)
        pipeline.normalizer = RunningMeanVariance(mean: [0.5], variance: [2.0], count: 1000)
        pipeline.isFrozen = true
        pipeline.update(with: [10, 10, 10])
        XCTAssertEqual(pipeline.normalizer?.mean, [0.5])
        XCTAssertEqual(pipeline.normalizer?.count, 1000)
    }

    // MARK: - Determinism and failure

    func trainMetrics(
        seed: UInt64, actionSpace: ActionSpace = .discrete(count: 2), updateThreads: Int = 1
    ) throws -> [MetricRecord] {
        let environment = RecordingEnvironment(copies: 2, actionSpace: actionSpace, seed: seed)
        let trainer = try PPOTrainer(
            configuration: smallConfiguration(), environment: environment, seed: seed,
            updateThreads: updateThreads)
        var metrics: [MetricRecord] = []
        trainer.onMetric = { record in
            if record.key != MetricName.stepsPerSecond { metrics.append(record) }
        }
        try trainer.train()
        return metrics
    }

    func testSameSeedGivesIdenticalMetrics() throws {
        let first = try trainMetrics(seed: 11)
        let second = try trainMetrics(seed: 11)
        XCTAssertFalse(first.isEmpty)
        XCTAssertEqual(first.map(\.key), second.map(\.key))
        XCTAssertEqual(first.map(\.value.bitPattern), second.map(\.value.bitPattern))
    }

    func testTwoUpdateThreadsGiveIdenticalMetrics() throws {
        // As the command-line tool does: OpenBLAS is then called from two threads at once.
        setBLASThreadCount(1)
        for actionSpace in [ActionSpace.discrete(count: 2), .box(dimension: 1)] {
            let oneThread = try trainMetrics(seed: 5, actionSpace: actionSpace, updateThreads: 1)
            let twoThreads = try trainMetrics(seed: 5, actionSpace: actionSpace, updateThreads: 2)
            XCTAssertFalse(oneThread.isEmpty)
            XCTAssertEqual(oneThread.map(\.key), twoThreads.map(\.key))
            XCTAssertEqual(
                oneThread.map(\.value.bitPattern), twoThreads.map(\.value.bitPattern),
                "\(actionSpace)")
        }
    }

    func testDifferentSeedGivesDifferentMetrics() throws {
        let first = try trainMetrics(seed: 11).map(\.value.bitPattern)
        let second = try trainMetrics(seed: 12).map(\.value.bitPattern)
        XCTAssertNotEqual(first, second)
    }

    func testNaNRewardStopsTrainingWithTypedError() throws {
        let environment = RecordingEnvironment(copies: 2, actionSpace: .discrete(count: 2))
        environment.nanRewardStep = 20
        let trainer = try PPOTrainer(
            configuration: smallConfiguration(), environment: environment, seed: 1)
        XCTAssertThrowsError(try trainer.train()) { error in
            XCTAssertEqual(error as? TrainingError, .nonFinite(update: 2, quantity: "reward of copy 0"))
        }
    }

    func testInvalidConfigurationIsRejected() {
        var configuration = smallConfiguration()
        configuration.gamma = 1.5
        let environment = RecordingEnvironment(copies: 2, actionSpace: .discrete(count: 2))
        XCTAssertThrowsError(
            try PPOTrainer(configuration: configuration, environment: environment, seed: 1)
        ) { error in
            guard case TrainingError.invalidConfiguration(let inner) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(inner.field, "gamma")
        }
    }

    func testDerivedSizes() {
        let configuration = PPOConfiguration()
        XCTAssertEqual(configuration.batchSize, 256)
        XCTAssertEqual(configuration.minibatchesPerEpoch, 1)
        XCTAssertEqual(configuration.iterations, 390)
    }
}
