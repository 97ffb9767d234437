import Neural
import Numerics
import XCTest

@testable import Adapters

final class LoRALinearTests: XCTestCase {
    /// W, b, A, B with rank 2 and alpha 4, so the scale is 2.
    func referenceLayer() -> LoRALinear {
        let linear = Linear(inputs: 3, outputs: 2)
        linear.weight.value = Matrix([[0.2, -0.1, 0.4], [0.0, 0.3, -0.5]])
        linear.bias.value = Matrix([[0.1, -0.2]])
        var rng = RandomStream(seed: 1)
        let layer = LoRALinear(wrapping: linear, rank: 2, alpha: 4, rng: &rng)
        layer.loraA.value = Matrix([[0.5, 0, -0.5], [0.1, 0.2, 0.3]])
        layer.loraB.value = Matrix([[1, -1], [0.5, 2]])
        return layer
    }

    let x = Matrix<Float>([[1, -1, 2]])

    func assertRow(
        _ output: Matrix<Float>, _ expected: [Float], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(output.rows, 1, file: file, line: line)
        for (value, reference) in zip(output.storage, expected) {
            XCTAssertEqual(value, reference, accuracy: 1e-6, file: file, line: line)
        }
    }

    // MARK: - Reference values

    func testScaleIsAlphaOverRank() {
        XCTAssertEqual(referenceLayer().scale, 2)
        XCTAssertEqual(LoRAScaling.standard.scale(alpha: 4, rank: 2), 2)
    }

    func testRankStabilizedScaleIsAlphaOverRootRank() {
        XCTAssertEqual(LoRAScaling.rankStabilized.scale(alpha: 4, rank: 2), 4 / 2.0.squareRoot())
        XCTAssertEqual(LoRAScaling.rankStabilized.scale(alpha: 6, rank: 9), 2)
    }

    func testUnmergedOutputReferenceValues() {
        // W x + b = [1.2, -1.5]; A x = [-0.5, 0.5]; 2 B A x = [-2, 1.5].
        assertRow(referenceLayer().forward(x), [-0.8, 0.0])
    }

    func testMergedWeightReferenceValues() throws {
        let layer = referenceLayer()
        try layer.merge()
        let expected: [Float] = [1.0, -0.5, -1.2, 0.9, 1.1, 0.2]
        for (value, reference) in zip(layer.base.weight.value.storage, expected) {
            XCTAssertEqual(value, reference, accuracy: 1e-6)
        }
        XCTAssertTrue(layer.isMerged)
    }

    func testMergedOutputEqualsUnmerged() throws {
        let layer = referenceLayer()
        try layer.merge()
        assertRow(layer.forward(x), [-0.8, 0.0])
    }

    func testSecondMergeThrows() throws {
        let layer = referenceLayer()
        try layer.merge()
        let mergedWeight = layer.base.weight.value
        XCTAssertThrowsError(try layer.merge()) { error in
            XCTAssertEqual(error as? AdapterError, .alreadyMerged(layer: "lora.lora_A"))
        }
        FiniteDifference.assertBitIdentical(layer.base.weight.value, mergedWeight)
        let output = layer.forward(x)
        // Folding the update in twice would give [-2.8, 1.5].
        XCTAssertNotEqual(output[0, 0], -2.8, accuracy: 1e-3)
        assertRow(output, [-0.8, 0.0])
    }

    func testUnmergeRestoresWeightBitForBit() throws {
        let layer = referenceLayer()
        let original = layer.base.weight.value
        try layer.merge()
        try layer.unmerge()
        FiniteDifference.assertBitIdentical(layer.base.weight.value, original)
        XCTAssertFalse(layer.isMerged)
        assertRow(layer.forward(x), [-0.8, 0.0])
    }

    func testUnmergeWithoutMergeThrows() {
        XCTAssertThrowsError(try referenceLayer().unmerge()) { error in
            XCTAssertEqual(error as? AdapterError, .notMerged(layer: "lora.lora_A"))
        }
    }

    func testUnmergedBaseWeightWhileMerged() throws {
        let layer = referenceLayer()
        let original = layer.base.weight.value
        try layer.merge()
        FiniteDifference.assertBitIdentical(layer.unmergedBaseWeight, original)
    }

    // MARK: - Initialisation

    func testNewAdapterInitialisation() {
        var rng = RandomStream(seed: 5)
        let layer = LoRALinear(wrapping: Linear(inputs: 16, outputs: 3), rank: 4, alpha: 3, rng: &rng)
        XCTAssertEqual(layer.loraA.value.rows, 4)
        XCTAssertEqual(layer.loraA.value.columns, 16)
        XCTAssertTrue(layer.loraA.value.storage.allSatisfy { abs($0) <= 0.25 })
        XCTAssertTrue(layer.loraA.value.storage.contains { $0 != 0 })
        XCTAssertEqual(layer.loraB.value.rows, 3)
        XCTAssertEqual(layer.loraB.value.columns, 4)
        XCTAssertTrue(layer.loraB.value.storage.allSatisfy { $0 == 0 })
    }

    func testNewAdapterIsBitIdenticalToBase() {
        let linear = Linear(inputs: 7, outputs: 5)
        linear.weight.value = FiniteDifference.random(rows: 5, columns: 7, seed: 2)
        linear.bias.value = FiniteDifference.random(rows: 1, columns: 5, seed: 3)
        let input = FiniteDifference.random(rows: 9, columns: 7, seed: 4, scale: 3)
        let expected = linear.apply(input)
        var rng = RandomStream(seed: 6)
        let layer = LoRALinear(wrapping: linear, rank: 3, alpha: 5, rng: &rng)
        FiniteDifference.assertBitIdentical(layer.forward(input), expected)
    }

    // MARK: - Training state

    func testBaseStartsFrozen() {
        let layer = referenceLayer()
        let optimizer = Adam(parameters: layer.parameters, learningRate: 1e-3)
        XCTAssertEqual(optimizer.parameters.map(\.name), ["lora.lora_A", "lora.lora_B"])
    }

    func testTrainableStateDecidesOptimizerParameters() {
        let layer = referenceLayer()
        layer.isBaseTrainable = true
        layer.isAdapterTrainable = false
        let optimizer = Adam(parameters: layer.parameters, learningRate: 1e-3)
        XCTAssertEqual(optimizer.parameters.map(\.name), ["linear.weight", "linear.bias"])
    }

    // MARK: - Gradients

    func testGradientsMatchFiniteDifferences() {
        // Rank 2 and alpha 3: scale 1.5.
        let linear = Linear(inputs: 4, outputs: 3)
        linear.weight.value = FiniteDifference.random(rows: 3, columns: 4, seed: 10)
        linear.bias.value = FiniteDifference.random(rows: 1, columns: 3, seed: 11)
        var rng = RandomStream(seed: 12)
        let layer = LoRALinear(wrapping: linear, rank: 2, alpha: 3, rng: &rng)
        layer.loraB.value = FiniteDifference.random(rows: 3, columns: 2, seed: 13)
        let input = FiniteDifference.random(rows: 5, columns: 4, seed: 14, scale: 2)
        let probe = FiniteDifference.random(rows: 5, columns: 3, seed: 15, scale: 2)
        func loss() -> Double { FiniteDifference.dot(layer.forward(input), probe) }

        layer.zeroGradients()
        _ = layer.forward(input)
        let inputGradient = layer.backward(probe)
        for parameter in layer.parameters {
            FiniteDifference.check(parameter, loss: loss)
        }
        let inputParameter = Parameter(name: "input", value: input)
        inputParameter.gradient = inputGradient
        FiniteDifference.check(inputParameter) {
            FiniteDifference.dot(layer.forward(inputParameter.value), probe)
        }
    }
}
