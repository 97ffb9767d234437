import Foundation
import Numerics
import XCTest

@testable import Neural

final class TrainingTests: XCTestCase {
    /// Fits y = sin(x) on [-pi, pi] with a 1-32-32-1 tanh MLP and Adam on the mean squared
    /// error, returning the final loss and the network.
    func fitSine(seed: UInt64, steps: Int = 3000) -> (loss: Double, network: MLP) {
        var rng = RandomStream(seed: seed)
        let network = MLP(widths: [1, 32, 32, 1])
        Initialization.orthogonal(network, outputGain: 1, rng: &rng)
        let adam = Adam(parameters: network.parameters, learningRate: 3e-3)
        let count = 128
        let xs = (0..<count).map { -Double.pi + 2 * Double.pi * Double($0) / Double(count - 1) }
        let input = Matrix(rows: count, columns: 1, storage: xs.map(Float.init))
        let target = xs.map { Float(sin($0)) }
        var loss = 0.0
        for _ in 0..<steps {
            let output = network.forward(input)
            var gradient = Matrix<Float>(rows: count, columns: 1)
            loss = 0
            for i in 0..<count {
                let error = output.storage[i] - target[i]
                loss += Double(error * error) / Double(count)
                gradient.storage[i] = 2 * error / Float(count)
            }
            network.zeroGradients()
            _ = network.backward(gradient)
            adam.step()
        }
        return (loss, network)
    }

    func testMLPFitsSine() {
        XCTAssertLessThan(fitSine(seed: 1).loss, 1e-3)
    }

    func testSameSeedGivesBitIdenticalParameters() {
        let a = fitSine(seed: 7, steps: 50).network.parameters.map(\.value)
        let b = fitSine(seed: 7, steps: 50).network.parameters.map(\.value)
        XCTAssertEqual(a, b)
    }

    func testDifferentSeedGivesDifferentParameters() {
        let a = fitSine(seed: 7, steps: 50).network.parameters.map(\.value)
        let b = fitSine(seed: 8, steps: 50).network.parameters.map(\.value)
        XCTAssertNotEqual(a, b)
    }

    func testOrthogonalRowsAreOrthonormalTimesGain() {
        let linear = Linear(inputs: 8, outputs: 4)
        var rng = RandomStream(seed: 3)
        Initialization.orthogonal(linear, gain: 2, rng: &rng)
        let gram = Matrix.product(linear.weight.value, linear.weight.value, transposeB: true)
        for i in 0..<4 {
            for j in 0..<4 {
                XCTAssertEqual(gram[i, j], i == j ? 4 : 0, accuracy: 1e-5)
            }
        }
    }
}
