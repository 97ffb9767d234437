import Foundation
import Numerics
import XCTest

@testable import Neural

final class CheckpointTests: XCTestCase {
    func makeNetwork(seed: UInt64, widths: [Int] = [4, 16, 2]) -> MLP {
        var rng = RandomStream(seed: seed)
        let network = MLP(widths: widths, name: "actor")
        Initialization.orthogonal(network, outputGain: 0.01, rng: &rng)
        return network
    }

    func testRoundTripGivesBitIdenticalOutputs() throws {
        let source = makeNetwork(seed: 1)
        let adam = Adam(parameters: source.parameters, learningRate: 1e-3)
        var checkpoint = Checkpoint()
        checkpoint.add(source)
        checkpoint.add(adam)
        checkpoint.metadata["note"] = "round trip"
        let decoded = try Checkpoint(decoding: checkpoint.encoded())
        XCTAssertEqual(decoded, checkpoint)

        let target = makeNetwork(seed: 2)
        try decoded.load(into: target)
        let input = Matrix<Float>([[0.1, -0.2, 0.3, 0.4]])
        XCTAssertEqual(target.forward(input), source.forward(input))
    }

    func testMismatchedShapeThrowsAndKeepsParameters() throws {
        var checkpoint = Checkpoint()
        checkpoint.add(makeNetwork(seed: 1, widths: [4, 16, 2]))
        let other = makeNetwork(seed: 2, widths: [4, 32, 2])
        let before = other.parameters.map(\.value)
        XCTAssertThrowsError(try checkpoint.load(into: other)) { error in
            guard case CheckpointError.shapeMismatch(let name, _, _) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(name, "actor.0.weight")
        }
        XCTAssertEqual(other.parameters.map(\.value), before)
    }

    func testMissingTensorThrows() {
        let checkpoint = Checkpoint()
        XCTAssertThrowsError(try checkpoint.load(into: makeNetwork(seed: 1))) { error in
            XCTAssertEqual(error as? CheckpointError, .missingTensor("actor.0.weight"))
        }
    }

    func testTruncatedBytesThrowMalformed() {
        var checkpoint = Checkpoint()
        checkpoint.add(makeNetwork(seed: 1))
        let bytes = checkpoint.encoded().prefix(40)
        XCTAssertThrowsError(try Checkpoint(decoding: Data(bytes)))
    }

    func testHeaderIsSafetensorsLayout() throws {
        var checkpoint = Checkpoint()
        checkpoint.floatTensors["w"] = Matrix([[1, 2]])
        let data = checkpoint.encoded()
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(length % 8, 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length)))
        let entry = (header as? [String: Any])?["w"] as? [String: Any]
        XCTAssertEqual(entry?["dtype"] as? String, "F32")
        XCTAssertEqual(entry?["shape"] as? [Int], [1, 2])
        XCTAssertEqual(data.count, 8 + length + 8)
    }
}
