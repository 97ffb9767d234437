import Numerics
import XCTest

@testable import Neural

final class OptimizerTests: XCTestCase {
    func testAdamReferenceSteps() {
        let parameter = Parameter(name: "p", value: Matrix(rows: 1, columns: 1, repeating: 1))
        let adam = Adam(parameters: [parameter], learningRate: 0.001)
        let expected = [0.99900000002, 0.9986543941811651, 0.9981099538368116]
        for (gradient, value) in zip([0.5, -0.2, 0.3] as [Float], expected) {
            parameter.gradient.storage[0] = gradient
            adam.step()
            XCTAssertEqual(Double(parameter.value.storage[0]), value, accuracy: 3e-7)
        }
    }

    func testAdamIsNotPlainGradientDescent() {
        // SGD with the same learning rate would move 1.0 to 0.9995 on the first step.
        let parameter = Parameter(name: "p", value: Matrix(rows: 1, columns: 1, repeating: 1))
        let adam = Adam(parameters: [parameter], learningRate: 0.001)
        parameter.gradient.storage[0] = 0.5
        adam.step()
        XCTAssertLessThan(parameter.value.storage[0], 0.9991)
    }

    func testAdamSkipsFrozenParameters() {
        let frozen = Parameter(name: "frozen", value: Matrix(rows: 1, columns: 1, repeating: 1))
        frozen.isTrainable = false
        let adam = Adam(parameters: [frozen], learningRate: 0.1)
        XCTAssertTrue(adam.parameters.isEmpty)
    }

    func testLearningRateScaleMultipliesStep() {
        let slow = Parameter(name: "slow", value: Matrix(rows: 1, columns: 1, repeating: 1))
        let fast = Parameter(name: "fast", value: Matrix(rows: 1, columns: 1, repeating: 1))
        let adam = Adam(
            parameters: [slow, fast], learningRate: 0.001, learningRateScales: ["fast": 100])
        slow.gradient.storage[0] = 0.5
        fast.gradient.storage[0] = 0.5
        adam.step()
        XCTAssertEqual(1 - fast.value.storage[0], 100 * (1 - slow.value.storage[0]), accuracy: 1e-4)
    }

    func testClipGradientNormScalesToMaximum() {
        let a = Parameter(name: "a", value: Matrix(rows: 1, columns: 2))
        a.gradient = Matrix([[3, 4]])
        let norm = clipGradientNorm([a], maxNorm: 1)
        XCTAssertEqual(norm, 5)
        XCTAssertEqual(Double(a.gradient.storage[0]), 0.6, accuracy: 1e-6)
        XCTAssertEqual(Double(a.gradient.storage[1]), 0.8, accuracy: 1e-6)
    }

    func testClipGradientNormLeavesSmallGradients() {
        let a = Parameter(name: "a", value: Matrix(rows: 1, columns: 2))
        a.gradient = Matrix([[0.3, 0.4]])
        clipGradientNorm([a], maxNorm: 1)
        XCTAssertEqual(a.gradient, Matrix([[0.3, 0.4]]))
    }

    func testLinearScheduleFallsToZero() {
        let schedule = Schedule.linear(1e-3)
        XCTAssertEqual(schedule.value(progress: 0), 1e-3)
        XCTAssertEqual(schedule.value(progress: 0.25), 7.5e-4, accuracy: 1e-15)
        XCTAssertEqual(schedule.value(progress: 1), 0)
        XCTAssertEqual(Schedule.constant(0.2).value(progress: 0.9), 0.2)
    }
}
