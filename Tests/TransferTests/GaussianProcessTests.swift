import Foundation
import Numerics
import XCTest

@testable import Transfer

/// Reference values for four observations at the same input 1.0 with targets
/// [0.1, 0.2, 0.3, 0.4], kernel c * RBF(l) with c = 0.001 and l = 0.07, no standardisation.
///
/// With n equal inputs the kernel matrix is `c 1 1^T + s^2 I`, whose inverse is
/// `(I - c / (s^2 + n c) 1 1^T) / s^2`, so at a query with kernel vector `r c 1`:
///
/// ```
/// mean     = r c / (s^2 + n c) * sum(t)
/// variance = c - r^2 c n c / (s^2 + n c)
/// ```
///
/// At the training input r = 1, and at 1.05 r = exp(-0.05^2 / (2 * 0.07^2)) = 0.774837.
final class GaussianProcessTests: XCTestCase {
    let inputs: [[Double]] = [[1.0], [1.0], [1.0], [1.0]]
    let targets = [0.1, 0.2, 0.3, 0.4]

    func regressor(noiseVariance: Double) throws -> GaussianProcessRegressor {
        try GaussianProcessRegressor(
            inputs: inputs, targets: targets,
            hyperparameters: KernelHyperparameters(
                constant: 0.001, lengthScales: [0.07], noiseVariance: noiseVariance),
            standardizesTargets: false)
    }

    func testReferenceSmallNoiseAtTrainingInput() throws {
        // mean = 0.001 / 0.004001 = 0.2499375156; variance = 0.001 * 1e-6 / 0.004001
        let prediction = try regressor(noiseVariance: 1e-6).predict(at: [1.0])
        XCTAssertEqual(prediction.mean, 0.2499375156, accuracy: 1e-9)
        XCTAssertEqual(prediction.standardDeviation, 0.0004999375117, accuracy: 1e-12)
    }

    func testReferenceSmallNoiseAwayFromInput() throws {
        let prediction = try regressor(noiseVariance: 1e-6).predict(at: [1.05])
        XCTAssertEqual(prediction.mean, 0.193660942, accuracy: 1e-8)
        XCTAssertEqual(prediction.standardDeviation, 0.01999442459, accuracy: 1e-10)
    }

    func testReferenceLargerNoise() throws {
        // mean = 0.001 / 0.0041; variance = 0.001 * 1e-4 / 0.0041
        let prediction = try regressor(noiseVariance: 1e-4).predict(at: [1.0])
        XCTAssertEqual(prediction.mean, 0.243902439, accuracy: 1e-9)
        XCTAssertEqual(prediction.standardDeviation, 0.004938647983, accuracy: 1e-11)
    }
}

// MARK: - Jitter, standardisation and the likelihood

final class GaussianProcessFactorizationTests: XCTestCase {
    let inputs: [[Double]] = [[1.0], [1.0], [1.0], [1.0]]
    let targets = [0.1, 0.2, 0.3, 0.4]

    func testNoiseFreeRepeatedInputsUseJitter() throws {
        // c 1 1^T is singular; the first retry adds 1e-9 times the mean diagonal.
        let model = try GaussianProcessRegressor(
            inputs: inputs, targets: targets,
            hyperparameters: KernelHyperparameters(
                constant: 0.001, lengthScales: [0.07], noiseVariance: 0),
            standardizesTargets: false)
        XCTAssertGreaterThan(model.jitter, 0)
        let prediction = model.predict(at: [1.0])
        XCTAssertTrue(prediction.mean.isFinite)
        XCTAssertGreaterThanOrEqual(prediction.standardDeviation, 0)
    }

    func testNoiseFreeWithoutRetriesThrowsTypedError() {
        XCTAssertThrowsError(
            try GaussianProcessRegressor(
                inputs: inputs, targets: targets,
                hyperparameters: KernelHyperparameters(
                    constant: 0.001, lengthScales: [0.07], noiseVariance: 0),
                standardizesTargets: false, jitterRetries: 0)
        ) { error in
            XCTAssertEqual(
                error as? GaussianProcessError,
                .kernelNotPositiveDefinite(observations: 4, noiseVariance: 0, jitter: 0))
            XCTAssertTrue("\(error)".contains("raise the noise variance"))
        }
    }

    func testNonFiniteTargetThrows() {
        XCTAssertThrowsError(
            try GaussianProcessRegressor(
                inputs: [[0.0]], targets: [.nan],
                hyperparameters: KernelHyperparameters(
                    constant: 1, lengthScales: [1], noiseVariance: 0.01))
        ) { error in
            XCTAssertEqual(error as? GaussianProcessError, .nonFinite(what: "target"))
        }
    }

    func testStandardisationScalesBack() throws {
        // Fitting t with standardisation equals fitting (t - m) / s without it and mapping
        // the mean back by m + s mean and the standard deviation by s.
        let inputs: [[Double]] = [[0.0], [0.3], [0.5], [0.9]]
        let targets = [0.2, 0.9, 0.4, 0.6]
        let m = targets.reduce(0, +) / 4
        let s = (targets.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 4).squareRoot()
        let hyperparameters = KernelHyperparameters(
            constant: 1.3, lengthScales: [0.4], noiseVariance: 0.01)
        let standardized = try GaussianProcessRegressor(
            inputs: inputs, targets: targets, hyperparameters: hyperparameters)
        let manual = try GaussianProcessRegressor(
            inputs: inputs, targets: targets.map { ($0 - m) / s },
            hyperparameters: hyperparameters, standardizesTargets: false)
        for query in [0.1, 0.5, 0.77] {
            let a = standardized.predict(at: [query])
            let b = manual.predict(at: [query])
            XCTAssertEqual(a.mean, m + s * b.mean, accuracy: 1e-12)
            XCTAssertEqual(a.standardDeviation, s * b.standardDeviation, accuracy: 1e-12)
        }
        XCTAssertEqual(standardized.targetMean, m, accuracy: 1e-15)
        XCTAssertEqual(standardized.targetScale, s, accuracy: 1e-15)
    }

    func testOneObservationKeepsUnitScale() throws {
        let model = try GaussianProcessRegressor(
            inputs: [[0.5]], targets: [0.8],
            hyperparameters: KernelHyperparameters(
                constant: 1, lengthScales: [1], noiseVariance: 0.01))
        XCTAssertEqual(model.targetScale, 1)
        XCTAssertEqual(model.predict(at: [0.1]).mean, 0.8, accuracy: 1e-15)
    }

    func testLogMarginalLikelihoodClosedForm() throws {
        // One observation y at any input: K = c + s^2, so
        // log p = -y^2 / (2 (c + s^2)) - log(c + s^2) / 2 - log(2 pi) / 2.
        let model = try GaussianProcessRegressor(
            inputs: [[0.2]], targets: [0.7],
            hyperparameters: KernelHyperparameters(
                constant: 2, lengthScales: [1], noiseVariance: 0.5),
            standardizesTargets: false)
        let expected = -0.49 / 5 - 0.5 * log(2.5) - 0.5 * log(2 * Double.pi)
        XCTAssertEqual(model.logMarginalLikelihood, expected, accuracy: 1e-14)
    }

    func testGradientMatchesFiniteDifferences() throws {
        var stream = RandomStream(seed: 7)
        let inputs = (0..<6).map { _ in [stream.uniform(), stream.uniform()] }
        let targets = (0..<6).map { _ in stream.normal() }
        let data = try GaussianProcessData(
            inputs: inputs, targets: targets, dimension: 2, standardizesTargets: true)
        let likelihood = MarginalLikelihood(data: data, jitterRetries: 0)
        let base = KernelHyperparameters(
            constant: 0.7, lengthScales: [0.3, 0.8], noiseVariance: 0.05)
        let theta = base.logParameters(learnsNoiseVariance: true)
        let (_, gradient) = try likelihood.valueAndGradient(base, learnsNoiseVariance: true)
        XCTAssertEqual(gradient.count, 4)

        // Central differences in the log-parameters
        let h = 1e-5
        for p in theta.indices {
            var plus = theta
            var minus = theta
            plus[p] += h
            minus[p] -= h
            let up = try likelihood.factorize(
                base.with(logParameters: plus, learnsNoiseVariance: true))
            let down = try likelihood.factorize(
                base.with(logParameters: minus, learnsNoiseVariance: true))
            let numeric = (up.logMarginalLikelihood - down.logMarginalLikelihood) / (2 * h)
            XCTAssertEqual(gradient[p], numeric, accuracy: 1e-6 * max(1, abs(numeric)), "p=\(p)")
        }
    }
}

// MARK: - Hyperparameter fitting

final class GaussianProcessFittingTests: XCTestCase {
    let inputs: [[Double]] = (0..<8).map { [Double($0) / 7] }
    var targets: [Double] { inputs.map { sin(6 * $0[0]) } }

    func testFitImprovesOnInitialLikelihood() throws {
        var fixed = GaussianProcessConfiguration()
        fixed.optimizesHyperparameters = false
        let initial = try GaussianProcessRegressor.fit(
            inputs: inputs, targets: targets, configuration: fixed)
        let fitted = try GaussianProcessRegressor.fit(inputs: inputs, targets: targets)
        XCTAssertGreaterThan(fitted.logMarginalLikelihood, initial.logMarginalLikelihood)
    }

    func testFitStaysWithinBounds() throws {
        let configuration = GaussianProcessConfiguration()
        let fitted = try GaussianProcessRegressor.fit(
            inputs: inputs, targets: targets, configuration: configuration)
        let h = fitted.hyperparameters
        XCTAssertTrue(configuration.constantBounds.contains(h.constant))
        XCTAssertTrue(configuration.lengthScaleBounds.contains(h.lengthScales[0]))
        XCTAssertEqual(h.noiseVariance, 0.01)
    }

    func testFitIsDeterministicForSeed() throws {
        let first = try GaussianProcessRegressor.fit(inputs: inputs, targets: targets)
        let second = try GaussianProcessRegressor.fit(inputs: inputs, targets: targets)
        XCTAssertEqual(first.hyperparameters, second.hyperparameters)
    }

    func testFitReachesStationaryPoint() throws {
        // At an interior optimum the gradient of the log marginal likelihood vanishes.
        let fitted = try GaussianProcessRegressor.fit(inputs: inputs, targets: targets)
        let data = try GaussianProcessData(
            inputs: inputs, targets: targets, dimension: 1, standardizesTargets: true)
        let (_, gradient) = try MarginalLikelihood(data: data, jitterRetries: 6)
            .valueAndGradient(fitted.hyperparameters, learnsNoiseVariance: false)
        for component in gradient { XCTAssertEqual(component, 0, accuracy: 1e-4) }
    }

    func testLearnedNoiseMovesFromStart() throws {
        var configuration = GaussianProcessConfiguration()
        configuration.learnsNoiseVariance = true
        let fitted = try GaussianProcessRegressor.fit(
            inputs: inputs, targets: targets, configuration: configuration)
        XCTAssertNotEqual(fitted.hyperparameters.noiseVariance, 0.01)
        XCTAssertTrue(
            configuration.noiseVarianceBounds.contains(fitted.hyperparameters.noiseVariance))
    }
}

// MARK: - Optimiser

final class BoundedLBFGSTests: XCTestCase {
    func testRosenbrockMinimum() throws {
        // f = (1 - x)^2 + 100 (y - x^2)^2 has its minimum 0 at (1, 1).
        let result = try BoundedLBFGS().minimize(
            from: [-1.2, 1], lower: [-5, -5], upper: [5, 5]
        ) { p in
            let (x, y) = (p[0], p[1])
            let value = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
            let gradient = [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
            return (value, gradient)
        }
        XCTAssertEqual(result.point[0], 1, accuracy: 1e-4)
        XCTAssertEqual(result.point[1], 1, accuracy: 1e-4)
    }

    func testActiveBoundHoldsMinimum() throws {
        // f = (x - 3)^2 + 10 (y + 1)^2 within x <= 2: the minimum is at (2, -1).
        let result = try BoundedLBFGS().minimize(
            from: [0, 0], lower: [-1, -5], upper: [2, 5]
        ) { p in
            (
                (p[0] - 3) * (p[0] - 3) + 10 * (p[1] + 1) * (p[1] + 1),
                [2 * (p[0] - 3), 20 * (p[1] + 1)]
            )
        }
        XCTAssertEqual(result.point[0], 2)
        XCTAssertEqual(result.point[1], -1, accuracy: 1e-6)
        XCTAssertEqual(result.value, 1, accuracy: 1e-10)
    }
}
