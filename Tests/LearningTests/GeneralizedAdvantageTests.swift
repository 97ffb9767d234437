import XCTest

@testable import Learning

final class GeneralizedAdvantageTests: XCTestCase {
    /// gamma 0.99, lambda 0.95; step 1 terminated; step 3 truncated with V(final) = 0.85 while
    /// the observation after the reset has V = 0.9.
    func truncationCase() -> (advantages: [Double], returns: [Double]) {
        GeneralizedAdvantage(gamma: 0.99, lambda: 0.95).estimate(
            rewards: [1, 1, 1, 1], values: [0.5, 0.6, 0.7, 0.8],
            terminated: [false, true, false, false], truncated: [false, false, false, true],
            finalValues: [0, 0, 0, 0.85], lastValues: [0.9], copies: 1)
    }

    func testTruncationBootstrapsFromFinalObservation() {
        let (advantages, _) = truncationCase()
        for (value, expected) in zip(advantages, [1.4702, 0.4, 2.07153075, 1.0415]) {
            XCTAssertEqual(value, expected, accuracy: 1e-9)
        }
    }

    func testReturnsAreAdvantagesPlusValues() {
        let (_, returns) = truncationCase()
        for (value, expected) in zip(returns, [1.9702, 1.0, 2.77153075, 1.8415]) {
            XCTAssertEqual(value, expected, accuracy: 1e-9)
        }
    }

    func testTruncationIsNotTermination() {
        // Treating truncation as termination would give 1.2801 and 0.2 at steps 2 and 3.
        let (advantages, _) = truncationCase()
        XCTAssertNotEqual(advantages[3], 0.2, accuracy: 1e-6)
        XCTAssertNotEqual(advantages[2], 1.2801, accuracy: 1e-6)
    }

    func testTruncationIgnoresResetObservation() {
        // Bootstrapping from the reset observation would give 2.1180855 and 1.091.
        let (advantages, _) = truncationCase()
        XCTAssertNotEqual(advantages[3], 1.091, accuracy: 1e-6)
        XCTAssertNotEqual(advantages[2], 2.1180855, accuracy: 1e-6)
    }

    func testTerminalLastStep() {
        let (advantages, _) = GeneralizedAdvantage(gamma: 0.99, lambda: 0.95).estimate(
            rewards: [1, 1, 1], values: [2, 2, 2], terminated: [false, false, true],
            truncated: [false, false, false], finalValues: [0, 0, 0], lastValues: [5],
            copies: 1)
        for (value, expected) in zip(advantages, [1.01714975, 0.0395, -1]) {
            XCTAssertEqual(value, expected, accuracy: 1e-9)
        }
    }

    func testTerminationWinsOverTruncation() {
        let (advantages, _) = GeneralizedAdvantage(gamma: 0.99, lambda: 0.95).estimate(
            rewards: [1], values: [0.5], terminated: [true], truncated: [true],
            finalValues: [100], lastValues: [100], copies: 1)
        XCTAssertEqual(advantages[0], 0.5, accuracy: 1e-12)
    }

    func testCopiesAreIndependent() {
        // Two copies interleaved step-major must give the same as each alone.
        let estimator = GeneralizedAdvantage(gamma: 0.9, lambda: 0.8)
        let both = estimator.estimate(
            rewards: [1, 2, 3, 4], values: [0.1, 0.2, 0.3, 0.4],
            terminated: [false, false, false, true], truncated: [false, false, false, false],
            finalValues: [0, 0, 0, 0], lastValues: [0.7, 0.8], copies: 2)
        let first = estimator.estimate(
            rewards: [1, 3], values: [0.1, 0.3], terminated: [false, false],
            truncated: [false, false], finalValues: [0, 0], lastValues: [0.7], copies: 1)
        XCTAssertEqual(both.advantages[0], first.advantages[0], accuracy: 1e-12)
        XCTAssertEqual(both.advantages[2], first.advantages[1], accuracy: 1e-12)
    }
}
