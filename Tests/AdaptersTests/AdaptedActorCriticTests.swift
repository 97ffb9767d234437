import Environments
import Foundation
import Learning
import Neural
import Numerics
import XCTest

@testable import Adapters

final class AdaptedActorCriticTests: XCTestCase {
    /// Rank 4 and alpha 6: scale 1.5.
    func settings() -> AdapterSettings {
        var settings = AdapterSettings()
        settings.rank = 4
        settings.alpha = 6
        settings.skills = 3
        settings.heads = 2
        return settings
    }

    func makeNetwork(
        _ kind: MultiTaskPolicyKind, actionSpace: ActionSpace = .discrete(count: 2),
        seed: UInt64 = 3
    ) -> AdaptedActorCritic {
        var rng = RandomStream(seed: seed)
        return AdaptedActorCritic(
            kind: kind, settings: settings(), inputSize: 4, actionSpace: actionSpace,
            hiddenWidths: [64, 64], activation: .tanh, initialLogStd: -0.5,
            sourceFeatures: [[-1], [0], [1]], rng: &rng)
    }

    func fillAdapters(_ network: AdaptedActorCritic, seed: UInt64) {
        for (index, parameter) in network.parameters(in: .adapters).enumerated()
        where parameter.name.contains("lora_B") {
            parameter.value = FiniteDifference.random(
                rows: parameter.value.rows, columns: parameter.value.columns,
                seed: seed + UInt64(index), scale: 0.3)
        }
    }

    // MARK: - No-op start

    func testFreshModelMatchesActorCriticBitForBit() {
        for kind in [MultiTaskPolicyKind.lora, .mhr, .openbook] {
            var rng = RandomStream(seed: 3)
            let plain = ActorCritic(
                inputSize: 4, actionSpace: .discrete(count: 2), hiddenWidths: [64, 64],
                activation: .tanh, initialLogStd: -0.5, rng: &rng)
            let network = makeNetwork(kind)
            let input = FiniteDifference.random(rows: 10, columns: 4, seed: 8, scale: 2)
            let mixtures = [network.resolve(.source(0)), network.resolve(.source(2)),
                            network.resolve(.uniform)]
            let groups = network.groups(
                rowMixtures: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], mixtures: mixtures).groups
            FiniteDifference.assertBitIdentical(
                network.actor.forward(input, groups: groups), plain.actor.forward(input),
                "actor of \(kind.rawValue)")
            FiniteDifference.assertBitIdentical(
                network.critic.forward(input, groups: groups), plain.critic.forward(input),
                "critic of \(kind.rawValue)")
        }
    }

    // MARK: - Merging

    func testMergedNetworkMatchesRoutedOutputs() {
        let network = makeNetwork(.mhr, actionSpace: .box(dimension: 2))
        fillAdapters(network, seed: 50)
        let input = FiniteDifference.random(rows: 12, columns: 4, seed: 9, scale: 2)
        let mixture = network.resolve(.source(1))
        let groups = [RoutedRows(rows: Array(0..<12), mixtures: mixture.layers)]
        let merged = network.merged(for: mixture)
        let routed = network.actor.forward(input, groups: groups)
        let folded = merged.actor.forward(input)
        for (a, b) in zip(routed.storage, folded.storage) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        let routedValues = network.critic.forward(input, groups: groups)
        let foldedValues = merged.critic.forward(input)
        for (a, b) in zip(routedValues.storage, foldedValues.storage) {
            XCTAssertEqual(a, b, accuracy: 1e-5)
        }
        XCTAssertEqual(merged.logStd!.value, network.logStd!.value)
        XCTAssertNotEqual(routed, network.merged(for: network.resolve(.source(0))).actor.forward(input))
    }

    // MARK: - Routing

    func testPerSourceRoutingIsOneHot() {
        let network = makeNetwork(.lora)
        XCTAssertEqual(network.resolve(.source(1)).layers[0], Matrix([[0, 1, 0]]))
        XCTAssertEqual(network.router.skills, 3)
        XCTAssertEqual(network.router.heads, 1)
        XCTAssertTrue(network.parameters(in: .routing).isEmpty)
    }

    func testMixtureRowsSumToOne() {
        let network = makeNetwork(.openbook)
        for parameter in network.parameters(in: .routing) {
            parameter.value = FiniteDifference.random(
                rows: parameter.value.rows, columns: parameter.value.columns, seed: 60, scale: 3)
        }
        let requests: [MixtureRequest] = [.source(0), .source(2), .uniform, .attention(features: [0.4])]
        for request in requests {
            for mixture in network.resolve(request).layers {
                XCTAssertEqual(mixture.rows, 2)
                XCTAssertEqual(mixture.columns, 3)
                for head in 0..<2 {
                    XCTAssertEqual(mixture.row(head).reduce(0, +), 1, accuracy: 1e-6)
                }
            }
        }
    }

    func testGatesStartAtSigmoidOfBias() {
        let gates = makeNetwork(.openbook).resolve(.source(0)).gates
        XCTAssertEqual(gates.count, 2)
        XCTAssertEqual(gates[0], 1 / (1 + exp(3)), accuracy: 1e-12)
        XCTAssertEqual(gates[1], 1 / (1 + exp(3)), accuracy: 1e-12)
    }

    func testAttentionWeightsSumToOne() {
        let book = makeNetwork(.openbook).router.book!
        let weights = book.attend([0.7]).weights
        XCTAssertEqual(weights.count, 3)
        XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertTrue(weights.allSatisfy { $0 > 0 })
    }

    func testAttentionStartsAsNearestSourceRule() {
        // Sources sit at standardised features -1, 0 and 1. The embedding dimension 8 is at
        // least the 1 feature, so the first scores are -(z - z_k)^2 / 2 up to a shared term:
        // [-1.125, -0.125, -0.125] for z = 0.5.
        let book = makeNetwork(.openbook).router.book!
        let weights = book.attend([0.5]).weights
        let expected = softmax([-1.125, -0.125, -0.125])
        for (value, reference) in zip(weights, expected) {
            XCTAssertEqual(value, reference, accuracy: 1e-5)
        }
    }

    func testAttentionFavoursNearestSourceNotLargestKey() {
        // z = 0.2 is nearest to the source at 0; a plain dot product would favour the source
        // at 1 for every positive z.
        let weights = makeNetwork(.openbook).router.book!.attend([0.2]).weights
        XCTAssertEqual(weights.firstIndex(of: weights.max()!), 1)
    }

    // MARK: - Settings

    func testSettingsDecodeMissingKeysAsDefaults() throws {
        let json = #"{"rank": 8, "trainableGroups": ["routing", "adapters"]}"#
        let decoded = try JSONDecoder().decode(AdapterSettings.self, from: Data(json.utf8))
        var expected = AdapterSettings()
        expected.rank = 8
        expected.trainableGroups = [.adapters, .routing]
        XCTAssertEqual(decoded, expected)
    }

    func testSettingsRoundTripThroughJSON() throws {
        var settings = settings()
        settings.scaling = .rankStabilized
        settings.trainableGroups = [.book, .base]
        let data = try JSONEncoder().encode(settings)
        XCTAssertEqual(try JSONDecoder().decode(AdapterSettings.self, from: data), settings)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains(#"["base","book"]"#))
    }

    // MARK: - Training state

    func testTrainableGroupsDecideOptimizerParameters() {
        let network = makeNetwork(.openbook)
        network.trainableGroups = [.adapters, .routing]
        let optimizer = Adam(parameters: network.parameters, learningRate: 1e-3)
        let expected = network.parameters(in: .adapters) + network.parameters(in: .routing)
        XCTAssertEqual(optimizer.parameters.map(\.name), expected.map(\.name))
        XCTAssertFalse(network.parameters(in: .base).contains { $0.isTrainable })
        XCTAssertFalse(network.parameters(in: .book).contains { $0.isTrainable })
    }

    func testGroupsPartitionParameters() {
        let network = makeNetwork(.openbook, actionSpace: .box(dimension: 1))
        let grouped = ParameterGroup.allCases.flatMap { network.parameters(in: $0) }
        XCTAssertEqual(Set(grouped.map(\.name)), Set(network.parameters.map(\.name)))
        XCTAssertEqual(grouped.count, network.parameters.count)
    }

    func testRoutingLearnsHundredTimesFaster() {
        // Adam's first step moves each parameter by lr * scale * g / (|g| + eps).
        let network = makeNetwork(.openbook)
        let optimizer = Adam(
            parameters: network.parameters, learningRate: 1e-4,
            learningRateScales: network.learningRateScales)
        let logits = network.parameters(in: .routing)[0]
        let adapter = network.parameters(in: .adapters)[0]
        let embeddings = network.router.book!.embeddings
        let before = [logits, adapter, embeddings].map { $0.value.storage[0] }
        for parameter in network.parameters { parameter.gradient.storage[0] = 1 }
        optimizer.step()
        XCTAssertEqual(Double(before[0] - logits.value.storage[0]), 1e-2, accuracy: 1e-6)
        XCTAssertEqual(Double(before[1] - adapter.value.storage[0]), 1e-4, accuracy: 1e-6)
        XCTAssertEqual(Double(before[2] - embeddings.value.storage[0]), 1e-3, accuracy: 1e-6)
    }
}
