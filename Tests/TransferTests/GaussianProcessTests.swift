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
