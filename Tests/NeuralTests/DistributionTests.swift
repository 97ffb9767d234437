import Foundation
import Numerics
import XCTest

@testable import Neural

final class DistributionTests: XCTestCase {
    // MARK: - Categorical

    let logits = Matrix<Float>([[0.2, -1.0, 0.7], [1.5, 0.3, -0.4]])

    func testCategoricalLogProbabilitiesNormalize() {
        let distribution = Categorical(logits: logits)
        for i in 0..<2 {
            let total = (0..<3).reduce(0.0) { $0 + distribution.probability(i, $1) }
            XCTAssertEqual(total, 1, accuracy: 1e-12)
        }
    }

    func testCategoricalEntropyOfUniformIsLogK() {
        let uniform = Categorical(logits: Matrix(rows: 1, columns: 4, repeating: 3))
        XCTAssertEqual(uniform.entropy()[0], log(4.0), accuracy: 1e-12)
    }

    func testCategoricalStableForLargeLogits() {
        let distribution = Categorical(logits: Matrix([[1000, 0]]))
        XCTAssertEqual(distribution.logProbability(of: [0])[0], 0, accuracy: 1e-12)
        XCTAssertTrue(distribution.entropy()[0].isFinite)
    }

    func testCategoricalLogitGradientMatchesFiniteDifferences() {
        let actions = [2, 0]
        let weights = [0.7, -1.3]
        let entropyWeights = [0.05, 0.2]
        func objective(_ z: Matrix<Float>) -> Double {
            let d = Categorical(logits: z)
            let logP = d.logProbability(of: actions)
            let h = d.entropy()
            return (0..<2).reduce(0.0) { $0 + weights[$1] * logP[$1] + entropyWeights[$1] * h[$1] }
        }
        let analytic = Categorical(logits: logits).logitGradient(
            actions: actions, logProbabilityWeights: weights, entropyWeights: entropyWeights)
        assertMatchesFiniteDifferences(analytic, at: logits, objective)
    }

    func testCategoricalSamplingFollowsProbabilities() {
        let distribution = Categorical(logits: Matrix([[0, Float(log(3.0))]]))
        var rng = RandomStream(seed: 1)
        var ones = 0
        for _ in 0..<20_000 where distribution.sample(rng: &rng)[0] == 1 { ones += 1 }
        XCTAssertEqual(Double(ones) / 20_000, 0.75, accuracy: 0.01)
    }

    // MARK: - Diagonal Gaussian

    func testGaussianLogProbabilityReference() {
        // Mean 0.5, standard deviation 0.8, action 2.3.
        let distribution = DiagonalGaussian(
            mean: Matrix([[0.5]]), logStd: [Float(log(0.8))])
        let logP = distribution.logProbability(of: Matrix([[2.3]]))[0]
        XCTAssertEqual(logP, -3.227044982, accuracy: 1e-6)
    }

    func testGaussianEntropyClosedForm() {
        let distribution = DiagonalGaussian(mean: Matrix([[0, 0]]), logStd: [0, -1])
        let expected = 2 * (0.5 + 0.5 * log(2 * Double.pi)) - 1
        XCTAssertEqual(distribution.entropy()[0], expected, accuracy: 1e-12)
    }

    func testGaussianClampKeepsLogProbabilityFinite() {
        let distribution = DiagonalGaussian(mean: Matrix([[0.1]]), logStd: [-104])
        let logP = distribution.logProbability(of: Matrix([[0.1]]))[0]
        XCTAssertTrue(logP.isFinite)
        XCTAssertEqual(distribution.logStd(0), DiagonalGaussian.minLogStd)
    }

    func testGaussianGradientsMatchFiniteDifferences() {
        let mean = Matrix<Float>([[0.3, -0.2], [1.1, 0.4]])
        let logStd: [Float] = [-0.5, 0.2]
        let actions = Matrix<Double>([[0.9, -0.7], [0.2, 1.4]])
        let weights = [1.2, -0.4]
        let entropyWeights = [0.01, 0.03]
        func objective(_ mean: Matrix<Float>, _ logStd: [Float]) -> Double {
            let d = DiagonalGaussian(mean: mean, logStd: logStd)
            let logP = d.logProbability(of: actions)
            let h = d.entropy()
            return (0..<2).reduce(0.0) { $0 + weights[$1] * logP[$1] + entropyWeights[$1] * h[$1] }
        }
        let gradients = DiagonalGaussian(mean: mean, logStd: logStd).gradients(
            actions: actions, logProbabilityWeights: weights, entropyWeights: entropyWeights)
        assertMatchesFiniteDifferences(gradients.mean, at: mean) { objective($0, logStd) }
        let logStdMatrix = Matrix(rows: 1, columns: 2, storage: logStd)
        assertMatchesFiniteDifferences(
            Matrix(rows: 1, columns: 2, storage: gradients.logStd), at: logStdMatrix
        ) { objective(mean, $0.storage) }
    }

    func testGaussianClampedLogStdHasZeroGradient() {
        let distribution = DiagonalGaussian(mean: Matrix([[0]]), logStd: [5])
        let gradients = distribution.gradients(
            actions: Matrix([[1]]), logProbabilityWeights: [1], entropyWeights: [1])
        XCTAssertEqual(gradients.logStd, [0])
    }

    // MARK: - Helpers

    func assertMatchesFiniteDifferences(
        _ analytic: Matrix<Float>, at point: Matrix<Float>, _ objective: (Matrix<Float>) -> Double,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let h: Float = 1e-3
        for index in 0..<point.count {
            var plus = point
            plus.storage[index] += h
            var minus = point
            minus.storage[index] -= h
            let step = Double(plus.storage[index]) - Double(minus.storage[index])
            let numeric = (objective(plus) - objective(minus)) / step
            XCTAssertEqual(Double(analytic.storage[index]), numeric, accuracy: 1e-3,
                           "component \(index)", file: file, line: line)
        }
    }
}
