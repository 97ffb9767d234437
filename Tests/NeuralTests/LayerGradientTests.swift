import Numerics
import XCTest

@testable import Neural

final class LayerGradientTests: XCTestCase {
    func input(rows: Int = 5, columns: Int = 3) -> Matrix<Float> {
        GradientCheck.probe(rows: rows, columns: columns, seed: 1)
    }

    func testLinearGradients() {
        let linear = Linear(inputs: 3, outputs: 4)
        var rng = RandomStream(seed: 2)
        Initialization.orthogonal(linear, gain: 1, bias: 0.1, rng: &rng)
        GradientCheck.check(linear, input: input())
    }

    func testTanhGradients() {
        GradientCheck.check(Tanh(), input: input())
    }

    func testReLUGradients() {
        // Keep inputs away from the kink at 0, where the derivative is undefined.
        let shifted = input().map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        GradientCheck.check(ReLU(), input: shifted)
    }

    func testMLPGradients() {
        let mlp = MLP(widths: [3, 8, 8, 2])
        var rng = RandomStream(seed: 3)
        Initialization.orthogonal(mlp, outputGain: 1, rng: &rng)
        GradientCheck.check(mlp, input: input())
    }

    func testBackwardAccumulates() {
        let linear = Linear(inputs: 3, outputs: 2)
        var rng = RandomStream(seed: 4)
        Initialization.orthogonal(linear, gain: 1, rng: &rng)
        let x = input()
        let probe = GradientCheck.probe(rows: 5, columns: 2, seed: 5)
        _ = linear.forward(x)
        _ = linear.backward(probe)
        let once = linear.weight.gradient
        _ = linear.forward(x)
        _ = linear.backward(probe)
        XCTAssertEqual(linear.weight.gradient, 2 * once)
    }
}
