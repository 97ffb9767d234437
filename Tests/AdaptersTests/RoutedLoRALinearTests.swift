import Neural
import Numerics
import XCTest

@testable import Adapters

final class RoutedLoRALinearTests: XCTestCase {
    func makeLayer(
        inputs: Int, outputs: Int, skills: Int, heads: Int, rank: Int = 2, scale: Double = 1.5,
        seed: UInt64 = 1
    ) -> RoutedLoRALinear {
        let linear = Linear(inputs: inputs, outputs: outputs, name: "layer")
        linear.weight.value = FiniteDifference.random(rows: outputs, columns: inputs, seed: seed)
        linear.bias.value = FiniteDifference.random(rows: 1, columns: outputs, seed: seed + 1)
        var rng = RandomStream(seed: seed + 2)
        return RoutedLoRALinear(
            wrapping: linear, skills: skills, heads: heads, rank: rank, scale: scale,
            name: "layer", rng: &rng)
    }

    func testBlocksGiveTheRemainderToTheFirstHeads() {
        XCTAssertEqual(RoutedLoRALinear.blocks(count: 5, heads: 2), [0..<3, 3..<5])
        XCTAssertEqual(RoutedLoRALinear.blocks(count: 64, heads: 4), [0..<16, 16..<32, 32..<48, 48..<64])
        XCTAssertEqual(RoutedLoRALinear.blocks(count: 1, heads: 2), [0..<1, 1..<1])
    }

    func testOneSkillEqualsLoRALayerBitForBit() {
        // Alpha 3 and rank 2: scale 1.5 in both layers.
        let routed = makeLayer(inputs: 4, outputs: 3, skills: 1, heads: 1)
        routed.skillB[0].value = FiniteDifference.random(rows: 3, columns: 2, seed: 9)
        let linear = Linear(inputs: 4, outputs: 3)
        linear.weight.value = routed.base.weight.value
        linear.bias.value = routed.base.bias.value
        var rng = RandomStream(seed: 0)
        let lora = LoRALinear(wrapping: linear, rank: 2, alpha: 3, rng: &rng)
        lora.loraA.value = routed.skillA[0].value
        lora.loraB.value = routed.skillB[0].value
        let input = FiniteDifference.random(rows: 6, columns: 4, seed: 8)
        let groups = [RoutedRows(rows: Array(0..<6), mixtures: [Matrix([[1]])])]
        FiniteDifference.assertBitIdentical(
            routed.forward(input, groups: groups, layer: 0), lora.forward(input))
    }

    func testHeadsMixTheirOwnBlocks() {
        let layer = makeLayer(inputs: 4, outputs: 2, skills: 2, heads: 2, rank: 1)
        layer.skillA[0].value = Matrix([[1, 2, 3, 4]])
        layer.skillA[1].value = Matrix([[10, 20, 30, 40]])
        layer.skillB[0].value = Matrix([[5], [6]])
        layer.skillB[1].value = Matrix([[50], [60]])
        // Head 0 (inputs 0-1, output 0) takes skill 0; head 1 (inputs 2-3, output 1) skill 1.
        let (a, b) = layer.mixedAdapter(Matrix([[1, 0], [0, 1]]))
        XCTAssertEqual(a.storage, [1, 2, 30, 40])
        XCTAssertEqual(b.storage, [5, 60])
        let (evenA, evenB) = layer.mixedAdapter(Matrix([[0.5, 0.5], [0.25, 0.75]]))
        XCTAssertEqual(evenA.storage, [5.5, 11, 23.25, 31])
        XCTAssertEqual(evenB.storage, [27.5, 46.5])
    }

    func testNewLayerAddsNothingForAnyMixture() {
        let layer = makeLayer(inputs: 5, outputs: 4, skills: 3, heads: 2)
        let input = FiniteDifference.random(rows: 7, columns: 5, seed: 4)
        let expected = layer.base.apply(input)
        let groups = [
            RoutedRows(rows: [0, 2, 4, 6], mixtures: [Matrix([[0.2, 0.3, 0.5], [1, 0, 0]])]),
            RoutedRows(rows: [1, 3, 5], mixtures: [Matrix([[0, 0, 1], [0.4, 0.4, 0.2]])]),
        ]
        FiniteDifference.assertBitIdentical(layer.forward(input, groups: groups, layer: 0), expected)
    }

    func testGroupsMatchSeparateForwardPasses() {
        let layer = makeLayer(inputs: 3, outputs: 4, skills: 2, heads: 2)
        for skill in 0..<2 {
            layer.skillB[skill].value = FiniteDifference.random(
                rows: 4, columns: 2, seed: UInt64(20 + skill))
        }
        let input = FiniteDifference.random(rows: 4, columns: 3, seed: 5)
        let first = Matrix<Float>([[0.9, 0.1], [0.3, 0.7]])
        let second = Matrix<Float>([[0.2, 0.8], [0.5, 0.5]])
        let combined = layer.forward(
            input, groups: [RoutedRows(rows: [0, 3], mixtures: [first]),
                            RoutedRows(rows: [1, 2], mixtures: [second])], layer: 0)
        let alone = layer.forward(
            input.gatherRows([0, 3]),
            groups: [RoutedRows(rows: [0, 1], mixtures: [first])], layer: 0)
        for (row, original) in [0, 3].enumerated() {
            for j in 0..<4 {
                XCTAssertEqual(combined[original, j], alone[row, j], accuracy: 1e-6)
            }
        }
        let merged = Linear(inputs: 3, outputs: 4)
        merged.weight.value = layer.mergedWeight(second)
        merged.bias.value = layer.base.bias.value
        let viaMerge = merged.apply(input.gatherRows([1, 2]))
        for (row, original) in [1, 2].enumerated() {
            for j in 0..<4 {
                XCTAssertEqual(combined[original, j], viaMerge[row, j], accuracy: 1e-5)
            }
        }
    }

    func testGradientsMatchFiniteDifferences() {
        let layer = makeLayer(inputs: 5, outputs: 3, skills: 3, heads: 2)
        for skill in 0..<3 {
            layer.skillB[skill].value = FiniteDifference.random(
                rows: 3, columns: 2, seed: UInt64(30 + skill))
        }
        let input = FiniteDifference.random(rows: 6, columns: 5, seed: 6, scale: 2)
        let probe = FiniteDifference.random(rows: 6, columns: 3, seed: 7, scale: 2)
        let mixtures = [
            Parameter(name: "mixture.0", value: Matrix([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])),
            Parameter(name: "mixture.1", value: Matrix([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])),
        ]
        let inputParameter = Parameter(name: "input", value: input)
        func loss() -> Double {
            let groups = [
                RoutedRows(rows: [0, 2, 5], mixtures: [mixtures[0].value]),
                RoutedRows(rows: [1, 3, 4], mixtures: [mixtures[1].value]),
            ]
            return FiniteDifference.dot(
                layer.forward(inputParameter.value, groups: groups, layer: 0), probe)
        }

        layer.zeroGradients()
        _ = loss()
        let (inputGradient, mixtureGradients) = layer.backward(probe)
        inputParameter.gradient = inputGradient
        for (parameter, gradient) in zip(mixtures, mixtureGradients) {
            parameter.gradient = gradient
        }
        for parameter in layer.parameters + mixtures + [inputParameter] {
            FiniteDifference.check(parameter, loss: loss)
        }
    }
}
