import Foundation
import XCTest

@testable import Transfer

final class MBTLAcquisitionTests: XCTestCase {
    func testExplorationWeight() {
        XCTAssertEqual(MBTLGaussianProcessStrategy.explorationWeight(step: 0), 0)
        XCTAssertEqual(
            MBTLGaussianProcessStrategy.explorationWeight(step: 2), log(3).squareRoot())
    }

    func testAcquisitionForFixedPosterior() {
        // mu = 0.6, sigma = 0.1, k = 2 so beta = sqrt(ln 3) = 1.0481471, theta = 0.5.
        // Optimistic value 0.6 + 0.10481471 = 0.70481471. Per target (d, U):
        //   j0 (0,    0.5): 0.70481471 - 0     - 0.5 = 0.20481471
        //   j1 (0.25, 0.7): 0.70481471 - 0.125 - 0.7 < 0 -> 0
        //   j2 (0.5,  0.4): 0.70481471 - 0.25  - 0.4 = 0.05481471
        //   j3 (0.75, 0.2): 0.70481471 - 0.375 - 0.2 = 0.12981471
        //   j4 (1,    0.9): 0.70481471 - 0.5   - 0.9 < 0 -> 0
        // Mean over five targets: 0.38944412 / 5 = 0.07788882.
        let value = MBTLGaussianProcessStrategy.acquisition(
            mean: 0.6, standardDeviation: 0.1,
            explorationWeight: MBTLGaussianProcessStrategy.explorationWeight(step: 2),
            gapSlope: 0.5, distances: [0, 0.25, 0.5, 0.75, 1],
            bestPerformance: [0.5, 0.7, 0.4, 0.2, 0.9])
        XCTAssertEqual(value, 0.0778888244380923, accuracy: 1e-14)
    }

    func testNoGainGivesZero() {
        let value = MBTLGaussianProcessStrategy.acquisition(
            mean: 0.3, standardDeviation: 0, explorationWeight: 1, gapSlope: 0.5,
            distances: [0, 1], bestPerformance: [0.3, 0.1])
        XCTAssertEqual(value, 0)
    }
}

final class MBTLStrategyTests: XCTestCase {
    /// MBTL-GP with the kernel fixed at c = 1, l = 1, noise 0.01, and theta = 2.
    var strategy: MBTLGaussianProcessStrategy {
        var configuration = GaussianProcessConfiguration()
        configuration.optimizesHyperparameters = false
        return MBTLGaussianProcessStrategy(gaussianProcess: configuration, gapSlope: .fixed(2))
    }

    func testFirstStepIsMiddle() throws {
        let problem = try SelectionProblem(geometry: .evenGrid(count: 20), budget: 3)
        let decision = try strategy.nextSource(problem: problem, observations: [])
        // (20 - 1) / 2 = 9.5 lies between positions 9 and 10; ties go lower.
        XCTAssertEqual(decision.source, 9)
        XCTAssertTrue(decision.candidates.isEmpty)
    }

    func testSecondStepByHand() throws {
        // After training source 2 of HandMatrix (coordinate 0.5, T[2][2] = 1), one
        // standardised observation has mean 1 and scale 1, so mu(x) = 1 everywhere and
        //   sigma(x)^2 = 1 - k(x)^2 / 1.01,   k(x) = exp(-(u - 0.5)^2 / 2).
        // u = 0 or 1: sigma = 0.47844552;  u = 0.25 or 0.75: sigma = 0.26436349.
        // beta_1 = sqrt(ln 2) = 0.83255461; U = 3/8, 5/8, 1, 5/8, 2/8; theta d = |x - j| / 2.
        // x0: opt 1.39833202; terms 1.02333, 0.27333, 0, 0, 0        -> a = 0.25933281
        // x1: opt 1.22009705; terms 0.34510, 0.59510, 0, 0, 0        -> a = 0.18803882
        // x3: opt 1.22009705; terms 0, 0, 0, 0.59510, 0.47010        -> a = 0.21303882
        // x4: opt 1.39833202; terms 0, 0, 0, 0.27333, 1.14833        -> a = 0.28433281
        // The largest is x4.
        let matrix = HandMatrix.matrix()
        let problem = try SelectionProblem(geometry: .evenGrid(count: 5), budget: 3)
        let observations = [SelectionObservation(source: 2, performance: matrix.performance[2])]
        let decision = try strategy.nextSource(problem: problem, observations: observations)
        XCTAssertEqual(decision.source, 4)
        XCTAssertEqual(decision.step, 1)
        XCTAssertEqual(decision.candidates, [0, 1, 3, 4])
        for mean in decision.predictedMeans { XCTAssertEqual(mean, 1, accuracy: 1e-12) }
        let sigmas = [0.478445520170, 0.264363493358, 0.264363493358, 0.478445520170]
        for (actual, expected) in zip(decision.predictedStandardDeviations, sigmas) {
            XCTAssertEqual(actual, expected, accuracy: 1e-11)
        }
        let values = [0.259332809602, 0.188038818167, 0.213038818167, 0.284332809602]
        for (actual, expected) in zip(decision.acquisitionValues, values) {
            XCTAssertEqual(actual, expected, accuracy: 1e-11)
        }
        XCTAssertEqual(decision.explorationWeight!, 0.8325546111576977, accuracy: 1e-15)
        XCTAssertEqual(decision.gapSlope, 2)
    }

    func testOfflineRunChoosesDistinctSources() throws {
        // With fitted hyperparameters the choices are hard to derive by hand; check the
        // contract instead: distinct sources, the middle first, one record per step.
        let report = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: .mbtlGaussianProcess, budget: 5)
        let chosen = report.steps.map(\.chosen)
        XCTAssertEqual(chosen.first, 2)
        XCTAssertEqual(Set(chosen).count, 5)
        XCTAssertEqual(report.curve.last!, 0.875, accuracy: 1e-15)
        for step in report.steps.dropFirst() {
            XCTAssertEqual(step.decision.candidates.count, 5 - step.k + 1)
            XCTAssertEqual(step.decision.acquisitionValues.count, step.decision.candidates.count)
            XCTAssertTrue(step.decision.predictedStandardDeviations.allSatisfy { $0 >= 0 })
        }
    }

    func testOfflineRunIsDeterministic() throws {
        let first = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: .mbtlGaussianProcess, budget: 4)
        let second = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: .mbtlGaussianProcess, budget: 4)
        XCTAssertEqual(first, second)
    }

    func testMultiDimensionalMiddle() throws {
        // The candidate nearest (0.5, 0.5) in L1 is index 2.
        let geometry = ContextGeometry(coordinates: [[0, 0], [1, 1], [0.5, 0.4], [0.5, 1]])
        let problem = try SelectionProblem(geometry: geometry, budget: 2)
        XCTAssertEqual(try strategy.nextSource(problem: problem, observations: []).source, 2)
    }
}

final class GapSlopeTests: XCTestCase {
    func testLeastSquaresSlopeByHand() {
        // Row of source 2 of HandMatrix: 3 5 8 5 2 over 8; distances 0.5 0.25 0 0.25 0.5.
        // Gaps T[2][2] - T[2][j]: 5 3 0 3 6 over 8.
        // sum d * gap = (2.5 + 0.75 + 0 + 0.75 + 3) / 8 = 0.875
        // sum d^2     = 0.25 + 0.0625 + 0 + 0.0625 + 0.25 = 0.625
        // theta       = 0.875 / 0.625 = 1.4
        let matrix = HandMatrix.matrix()
        let observations = [SelectionObservation(source: 2, performance: matrix.performance[2])]
        let slope = GapSlope.fitted(fallback: 0.5)
            .value(observations: observations, geometry: .evenGrid(count: 5))
        XCTAssertEqual(slope, 1.4, accuracy: 1e-15)
    }

    func testFallbackWithoutDistances() {
        let slope = GapSlope.fitted(fallback: 0.5)
            .value(observations: [], geometry: .evenGrid(count: 5))
        XCTAssertEqual(slope, 0.5)
    }

    func testNegativeFitIsClamped() {
        // Targets doing better than the source give a negative fit, clamped to 0.
        let observations = [SelectionObservation(source: 0, performance: [0.2, 0.9])]
        XCTAssertEqual(
            GapSlope.leastSquaresSlope(observations: observations, geometry: .evenGrid(count: 2)),
            0)
    }

    func testParsing() throws {
        XCTAssertEqual(try GapSlope(parsing: "fit"), .fitted(fallback: 0.5))
        XCTAssertEqual(try GapSlope(parsing: "0.25"), .fixed(0.25))
        XCTAssertThrowsError(try GapSlope(parsing: "-1")) {
            XCTAssertEqual($0 as? SelectionError, .invalidGapSlope(text: "-1"))
        }
    }
}
