import Environments
import Neural
import Numerics
import XCTest

@testable import Adapters

final class AdapterCheckpointTests: XCTestCase {
    func makeNetwork(rank: Int = 2, alpha: Double = 5, seed: UInt64 = 4) -> AdaptedActorCritic {
        var settings = AdapterSettings()
        settings.rank = rank
        settings.alpha = alpha
        var rng = RandomStream(seed: seed)
        return AdaptedActorCritic(
            kind: .openbook, settings: settings, inputSize: 4, actionSpace: .discrete(count: 2),
            hiddenWidths: [8, 8], activation: .tanh, initialLogStd: 0,
            sourceFeatures: [[-1, 1], [1, -1]], rng: &rng)
    }

    func trainedLooking(_ network: AdaptedActorCritic) -> AdaptedActorCritic {
        for (index, parameter) in network.parameters.enumerated() {
            parameter.value = FiniteDifference.random(
                rows: parameter.value.rows, columns: parameter.value.columns,
                seed: UInt64(300 + index))
        }
        return network
    }

    func roundTrip(_ network: AdaptedActorCritic) throws -> Checkpoint {
        var checkpoint = Checkpoint()
        network.add(to: &checkpoint)
        return try Checkpoint(decoding: checkpoint.encoded())
    }

    func testSaveAndLoadAreBitIdentical() throws {
        let saved = trainedLooking(makeNetwork())
        let loaded = makeNetwork(seed: 99)
        try loaded.load(from: roundTrip(saved))
        for (a, b) in zip(saved.parameters, loaded.parameters) {
            XCTAssertEqual(a.name, b.name)
            FiniteDifference.assertBitIdentical(a.value, b.value, a.name)
        }
        let input = FiniteDifference.random(rows: 5, columns: 4, seed: 7)
        for request in [MixtureRequest.source(1), .attention(features: [0.2, 0.1])] {
            let savedGroups = [RoutedRows(rows: Array(0..<5), mixtures: saved.resolve(request).layers)]
            let loadedGroups = [RoutedRows(rows: Array(0..<5), mixtures: loaded.resolve(request).layers)]
            FiniteDifference.assertBitIdentical(
                saved.actor.forward(input, groups: savedGroups),
                loaded.actor.forward(input, groups: loadedGroups))
            FiniteDifference.assertBitIdentical(
                saved.critic.forward(input, groups: savedGroups),
                loaded.critic.forward(input, groups: loadedGroups))
        }
    }

    func testCheckpointHoldsEveryPart() throws {
        let checkpoint = try roundTrip(makeNetwork())
        let names = Set(checkpoint.floatTensors.keys)
        for name in [
            "policy.actor.0.weight", "policy.critic.2.bias", "policy.actor.1.lora_A.3",
            "policy.critic.0.lora_B.0", "policy.actor.2.routing_logits", "book.embeddings",
            "book.query.weight", "book.query.bias", "book.gate.weight", "book.gate.bias",
        ] {
            XCTAssertTrue(names.contains(name), "missing \(name)")
        }
    }

    func testLoadingIntoAnotherRankThrows() throws {
        let checkpoint = try roundTrip(makeNetwork(rank: 2))
        let other = makeNetwork(rank: 4, alpha: 10)
        XCTAssertThrowsError(try other.load(from: checkpoint)) { error in
            XCTAssertEqual(
                error as? AdapterError,
                .checkpointMismatch(field: "alpha", expected: "10.0", found: "5.0"))
        }
        let sameAlpha = makeNetwork(rank: 4, alpha: 5)
        XCTAssertThrowsError(try sameAlpha.load(from: checkpoint)) { error in
            XCTAssertEqual(
                error as? AdapterError,
                .checkpointMismatch(field: "rank", expected: "4", found: "2"))
        }
    }

    func testLoadingAnotherShapeThrowsShapeMismatch() throws {
        var checkpoint = try roundTrip(makeNetwork())
        checkpoint.floatTensors["book.embeddings"] = Matrix(rows: 3, columns: 8)
        let target = makeNetwork(seed: 5)
        let before = target.parameters.map(\.value)
        XCTAssertThrowsError(try target.load(from: checkpoint)) { error in
            XCTAssertEqual(
                error as? CheckpointError,
                .shapeMismatch(name: "book.embeddings", expected: [2, 8], found: [3, 8]))
        }
        XCTAssertEqual(target.parameters.map(\.value), before, "a failed load changed the model")
    }

    func testMissingMetadataIsMalformed() {
        var checkpoint = Checkpoint()
        checkpoint.add(makeNetwork())
        XCTAssertThrowsError(try makeNetwork().load(from: checkpoint)) { error in
            guard case .malformed? = error as? CheckpointError else {
                return XCTFail("expected a malformed checkpoint, got \(error)")
            }
        }
    }
}
