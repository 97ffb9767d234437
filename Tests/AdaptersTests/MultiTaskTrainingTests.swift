import Environments
import Learning
import Neural
import Numerics
import XCTest

@testable import Adapters

/// Small multi-task PPO runs on CartPole with two sources of different pole half-lengths.
final class MultiTaskTrainingTests: XCTestCase {
    let space = EnvironmentKind.cartpole.contextSpace

    func context(length: Double) -> Context {
        try! space.context(overriding: ["length": length])
    }

    var sources: [Context] { [context(length: 0.25), context(length: 1.0)] }
    var targets: [Context] { [context(length: 0.25), context(length: 0.5), context(length: 1.0)] }

    func configuration() -> PPOConfiguration {
        var configuration = PPOConfiguration()
        configuration.copies = 4
        configuration.rolloutSteps = 32
        configuration.epochs = 2
        configuration.minibatchSize = 64
        configuration.totalSteps = 2048
        return configuration
    }

    /// Rank 2 and alpha 5: scale 2.5.
    func settings() -> AdapterSettings {
        var settings = AdapterSettings()
        settings.rank = 2
        settings.alpha = 5
        settings.skills = 3
        settings.heads = 2
        settings.embeddingDimension = 4
        return settings
    }

    func train(_ kind: MultiTaskPolicyKind, seed: UInt64 = 11) throws -> MultiTaskPolicy {
        try MultiTaskPolicy.train(
            kind: kind, environment: .cartpole, sources: sources,
            configuration: configuration(), settings: settings(), seed: seed)
    }

    func network(_ policy: MultiTaskPolicy) -> AdaptedActorCritic {
        guard case .adapted(let network, _) = policy.model else {
            preconditionFailure("not an adapter model")
        }
        return network
    }

    func assertFinite(
        _ results: [EvaluationResult], count: Int, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(results.count, count, file: file, line: line)
        for result in results {
            XCTAssertEqual(result.episodes, 2, file: file, line: line)
            for value in result.returns {
                XCTAssertTrue(value.isFinite, file: file, line: line)
                XCTAssertGreaterThanOrEqual(value, 1, file: file, line: line)
                XCTAssertLessThanOrEqual(value, 500, file: file, line: line)
            }
        }
    }

    // MARK: - Adapter kinds

    func testOpenBookTrainingIsDeterministic() throws {
        var metrics: [MultiTaskMetric] = []
        let first = try MultiTaskPolicy.train(
            kind: .openbook, environment: .cartpole, sources: sources,
            configuration: configuration(), settings: settings(), seed: 11,
            onMetric: { metrics.append($0) })
        let second = try train(.openbook)
        for (a, b) in zip(network(first).parameters, network(second).parameters) {
            FiniteDifference.assertBitIdentical(a.value, b.value, a.name)
        }
        let firstResults = try first.evaluate(on: targets, mode: .openBook, episodes: 2, seed: 5)
        let secondResults = try second.evaluate(on: targets, mode: .openBook, episodes: 2, seed: 5)
        XCTAssertEqual(firstResults, secondResults)
        assertFinite(firstResults, count: 3)
        let returnSources = metrics.filter { $0.key == MetricName.episodicReturn }.map(\.source)
        XCTAssertTrue(returnSources.contains(1))
        let gateSources = metrics.filter { $0.key == AdapterMetricName.policyGate }.map(\.source)
        XCTAssertTrue(gateSources.contains(0))
    }

    func testTwoUpdateThreadsTrainBitIdenticalModels() throws {
        // As the command-line tool does: OpenBLAS is then called from two threads at once.
        setBLASThreadCount(1)
        let reference = try train(.openbook)
        let features = reference.sources.map(reference.features(of:))
        func trainedNetwork(updateThreads: Int) throws -> AdaptedActorCritic {
            let copySources = [0, 1, 0, 1]
            let environment = try EnvironmentKind.cartpole.makeVectorEnvironment(
                contexts: copySources.map { sources[$0] }, seed: 3)
            var rng = RandomStream(seed: 4)
            let network = AdaptedActorCritic(
                kind: .openbook, settings: settings(), inputSize: 4,
                actionSpace: .discrete(count: 2), hiddenWidths: [64, 64], activation: .tanh,
                initialLogStd: 0, sourceFeatures: features, rng: &rng)
            let trainer = try MultiTaskPPOTrainer(
                configuration: configuration(), policy: network, environment: environment,
                copySources: copySources, seed: 5, updateThreads: updateThreads)
            try trainer.train()
            return network
        }
        let oneThread = try trainedNetwork(updateThreads: 1)
        let twoThreads = try trainedNetwork(updateThreads: 2)
        for (a, b) in zip(oneThread.parameters, twoThreads.parameters) {
            FiniteDifference.assertBitIdentical(a.value, b.value, a.name)
        }
    }

    func testTrainingChangesEveryGroup() throws {
        var rng = RandomStream(seed: 11).child("initialization")
        let policy = try train(.openbook)
        let fresh = AdaptedActorCritic(
            kind: .openbook, settings: settings(), inputSize: 4,
            actionSpace: .discrete(count: 2), hiddenWidths: [64, 64], activation: .tanh,
            initialLogStd: 0, sourceFeatures: policy.sources.map(policy.features(of:)),
            rng: &rng)
        for group in ParameterGroup.allCases {
            let trained = network(policy).parameters(in: group).map(\.value)
            let initial = fresh.parameters(in: group).map(\.value)
            XCTAssertNotEqual(trained, initial, "\(group.rawValue) did not change")
        }
    }

    func testEveryAdapterKindEvaluatesInEveryMode() throws {
        for kind in [MultiTaskPolicyKind.lora, .mhr] {
            let policy = try train(kind)
            for mode in [ZeroShotMode.nearestSource, .uniform] {
                assertFinite(try policy.evaluate(on: targets, mode: mode, episodes: 2, seed: 3),
                             count: 3)
            }
            XCTAssertThrowsError(try policy.evaluate(on: targets, mode: .openBook, episodes: 2, seed: 3)) {
                XCTAssertEqual(
                    $0 as? AdapterError,
                    .unsupportedZeroShotMode(mode: "openbook", kind: kind.rawValue))
            }
        }
    }

    func testAttentionMatrixShape() throws {
        let policy = try train(.openbook)
        let weights = try policy.attentionWeights(targets: targets)
        XCTAssertEqual(weights.rows, 3)
        XCTAssertEqual(weights.columns, 2)
        for row in 0..<3 {
            XCTAssertEqual(weights.row(row).reduce(0, +), 1, accuracy: 1e-12)
        }
        XCTAssertThrowsError(try train(.mhr).attentionWeights(targets: targets)) {
            XCTAssertEqual($0 as? AdapterError, .missingContextBook(kind: "mhr"))
        }
    }

    func testNearestSourceUsesScaledDistance() throws {
        let policy = try train(.lora)
        XCTAssertEqual(policy.nearestSource(to: context(length: 0.3)), 0)
        XCTAssertEqual(policy.nearestSource(to: context(length: 0.7)), 1)
        XCTAssertEqual(try policy.mixtureRequest(for: context(length: 4), mode: .nearestSource),
                       .source(1))
    }

    func testCheckpointRoundTripKeepsEvaluations() throws {
        let policy = try train(.openbook)
        let data = policy.checkpoint().encoded()
        let loaded = try MultiTaskPolicy.load(from: Checkpoint(decoding: data))
        XCTAssertEqual(loaded.kind, .openbook)
        XCTAssertEqual(loaded.sources, policy.sources)
        for (a, b) in zip(network(policy).parameters, network(loaded).parameters) {
            FiniteDifference.assertBitIdentical(a.value, b.value, a.name)
        }
        XCTAssertEqual(
            try loaded.evaluate(on: targets, mode: .openBook, episodes: 2, seed: 8),
            try policy.evaluate(on: targets, mode: .openBook, episodes: 2, seed: 8))
        XCTAssertEqual(loaded.checkpoint().encoded(), data)
    }

    func testFewerCopiesThanSourcesThrows() {
        var configuration = configuration()
        configuration.copies = 1
        XCTAssertThrowsError(
            try MultiTaskPolicy.train(
                kind: .lora, environment: .cartpole, sources: sources,
                configuration: configuration, settings: settings(), seed: 1)
        ) { error in
            guard case .invalidSetting(let field, _)? = error as? AdapterError else {
                return XCTFail("expected an invalid setting, got \(error)")
            }
            XCTAssertEqual(field, "copies")
        }
    }

    // MARK: - Baselines

    func testIndependentPoliciesUseNearestSource() throws {
        let policy = try train(.mlp)
        guard case .independent(let policies) = policy.model else { return XCTFail("not mlp") }
        XCTAssertEqual(policies.count, 2)
        XCTAssertEqual(policies[0].configuration.totalSteps, 1024)
        assertFinite(try policy.evaluate(on: targets, episodes: 2, seed: 3), count: 3)
        XCTAssertThrowsError(try policy.evaluate(on: targets, mode: .uniform, episodes: 2, seed: 3))
        let loaded = try MultiTaskPolicy.load(from: policy.checkpoint())
        XCTAssertEqual(
            try loaded.evaluate(on: targets, episodes: 2, seed: 3),
            try policy.evaluate(on: targets, episodes: 2, seed: 3))
    }

    func testSharedMLPMatchesAdapterParameterCount() throws {
        let policy = try train(.shared)
        guard case .shared(let trained) = policy.model else { return XCTFail("not shared") }
        XCTAssertTrue(trained.configuration.appendContext)
        let target = MultiTaskPolicy.adapterParameterCount(
            kind: .openbook, environment: .cartpole, configuration: configuration(),
            settings: settings(), sourceCount: 2)
        let width = trained.configuration.hiddenWidths[0]
        let count = policy.parameterCounts.total
        let inputSize = 4 + space.features.count
        func countFor(_ width: Int) -> Int {
            MultiTaskPolicy.actorCriticParameterCount(
                inputSize: inputSize, actionSpace: .discrete(count: 2), width: width, layers: 2)
        }
        XCTAssertEqual(count, countFor(width))
        XCTAssertLessThanOrEqual(abs(count - target), abs(countFor(width + 1) - target))
        XCTAssertLessThanOrEqual(abs(count - target), abs(countFor(width - 1) - target))
        assertFinite(try policy.evaluate(on: targets, episodes: 2, seed: 3), count: 3)
    }

    // MARK: - Parameter counts

    func testParameterCountsByGroup() throws {
        let policy = try train(.lora)
        let counts = policy.parameterCounts
        // Rank 2, two sources: each layer has 2 x 2 x (inputs + outputs) adapter parameters.
        let adapterLayers = [(4, 64), (64, 64), (64, 2), (4, 64), (64, 64), (64, 1)]
        let adapters = adapterLayers.reduce(0) { $0 + 4 * ($1.0 + $1.1) }
        XCTAssertEqual(counts.byGroup[.adapters], adapters)
        XCTAssertEqual(counts.byGroup[.heads], 64 * 2 + 2 + 64 + 1)
        XCTAssertEqual(counts.byGroup[.base], 2 * (4 * 64 + 64 + 64 * 64 + 64))
        XCTAssertEqual(counts.byGroup[.routing], 0)
        XCTAssertEqual(counts.total, adapters + counts.byGroup[.heads]! + counts.byGroup[.base]!)
        XCTAssertEqual(counts.trainable, counts.total)
    }

    func testDefaultCartPoleParameterCounts() {
        // Rank 4, alpha 8, 4 skills, 2 heads, embedding dimension 8, two sources.
        let defaults = AdapterSettings()
        let ppo = PPOConfiguration.defaults(for: .cartpole)
        func count(_ kind: MultiTaskPolicyKind) -> Int {
            MultiTaskPolicy.adapterParameterCount(
                kind: kind, environment: .cartpole, configuration: ppo, settings: defaults,
                sourceCount: 2)
        }
        func plainCount(inputSize: Int, width: Int) -> Int {
            MultiTaskPolicy.actorCriticParameterCount(
                inputSize: inputSize, actionSpace: .discrete(count: 2), width: width, layers: 2)
        }
        XCTAssertEqual(plainCount(inputSize: 4, width: 64), 9155)
        XCTAssertEqual(count(.lora), 13339)
        XCTAssertEqual(count(.mhr), 17619)
        XCTAssertEqual(count(.openbook), 17725)
        let width = MultiTaskPolicy.sharedHiddenWidth(
            matching: 17725, inputSize: 12, actionSpace: .discrete(count: 2), layers: 2)
        XCTAssertEqual(width, 87)
        XCTAssertEqual(plainCount(inputSize: 12, width: 87), 17838)
    }

    func testSharedWidthSearch() {
        for width in [1, 7, 64, 300] {
            let count = MultiTaskPolicy.actorCriticParameterCount(
                inputSize: 12, actionSpace: .box(dimension: 3), width: width, layers: 2)
            XCTAssertEqual(
                MultiTaskPolicy.sharedHiddenWidth(
                    matching: count, inputSize: 12, actionSpace: .box(dimension: 3), layers: 2),
                width)
        }
    }

    // MARK: - Benchmark

    func testMergeBenchmarkRuns() {
        let speed = AdapterBenchmark.measureMergeSpeed(batchSize: 8, passes: 5)
        XCTAssertEqual(speed.batchSize, 8)
        XCTAssertGreaterThan(speed.mergedPassesPerSecond, 0)
        XCTAssertGreaterThan(speed.unmergedPassesPerSecond, 0)
    }
}
