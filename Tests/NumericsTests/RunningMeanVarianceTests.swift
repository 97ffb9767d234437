import XCTest

@testable import Numerics

final class RunningMeanVarianceTests: XCTestCase {
    func testMatchesDirectStatistics() {
        let data: [[Double]] = [[1, 10], [2, 20], [4, 40], [8, 80], [16, 160]]
        var statistics = RunningMeanVariance(dimension: 2, initialCount: 0)
        statistics.update(batch: Array(data[0..<2]))
        statistics.update(batch: Array(data[2...]))
        XCTAssertEqual(statistics.mean[0], 6.2, accuracy: 1e-12)
        // Population variance of [1, 2, 4, 8, 16]: 148.8 / 5 = 29.76.
        XCTAssertEqual(statistics.variance[0], 29.76, accuracy: 1e-10)
        XCTAssertEqual(statistics.variance[1], 2976, accuracy: 1e-8)
        XCTAssertEqual(statistics.count, 5)
    }

    func testNormalizeReferenceValues() {
        let statistics = RunningMeanVariance(mean: [0.5], variance: [2.0], count: 1000)
        XCTAssertEqual(statistics.normalize([3.0])[0], 1.767766949, accuracy: 1e-9)
        XCTAssertEqual(statistics.normalize([100])[0], 10)
    }

    func testFrozenIgnoresUpdates() {
        var statistics = RunningMeanVariance(mean: [0.5], variance: [2.0], count: 1000)
        statistics.isFrozen = true
        statistics.update(batch: Array(repeating: [10.0], count: 50))
        XCTAssertEqual(statistics.mean, [0.5])
        XCTAssertEqual(statistics.variance, [2.0])
        XCTAssertEqual(statistics.count, 1000)
    }
}
