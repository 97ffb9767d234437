import Foundation
import XCTest

@testable import Neural

final class FastTanhTests: XCTestCase {
    func testMaximumErrorWithinStatedBound() {
        var worst = 0.0
        var x = -20.0
        while x <= 20 {
            let error = abs(Double(fastTanh(Float(x))) - tanh(Double(Float(x))))
            worst = max(worst, error)
            x += 1e-4
        }
        XCTAssertLessThan(worst, 3.5e-7)
    }

    func testExactAtZeroAndSaturates() {
        XCTAssertEqual(fastTanh(0), 0)
        XCTAssertEqual(fastTanh(12), 1)
        XCTAssertEqual(fastTanh(-12), -1)
    }

    func testStaysWithinUnitInterval() {
        // A coarse grid, then every float near the clamp, where the fit is closest to 1.
        var largest: Float = 0
        for step in 0...120_000 { largest = max(largest, fastTanh(Float(step) * 1e-4)) }
        var x: Float = 7.5
        while x <= 8.5 {
            largest = max(largest, fastTanh(x))
            x = x.nextUp
        }
        XCTAssertEqual(largest, 1)
    }

    func testPropagatesNaN() {
        XCTAssertTrue(fastTanh(.nan).isNaN)
        var buffer: [Float] = Array(repeating: 0.5, count: 8)
        buffer[3] = .nan
        buffer.withUnsafeMutableBufferPointer { fastTanh(inPlace: $0) }
        XCTAssertTrue(buffer[3].isNaN)
        XCTAssertEqual(buffer[2], fastTanh(0.5))
    }

    func testOddSymmetry() {
        for x: Float in [0.001, 0.3, 1.7, 4.2] { XCTAssertEqual(fastTanh(-x), -fastTanh(x)) }
    }

    func testTinyInputsKeepRelativeAccuracy() {
        XCTAssertEqual(fastTanh(1e-6), 1e-6)
    }

    func testVectorPathMatchesScalarPath() {
        let values = (0..<1003).map { Float($0) * 0.02 - 10 }
        var buffer = values
        buffer.withUnsafeMutableBufferPointer { fastTanh(inPlace: $0) }
        XCTAssertEqual(buffer, values.map { fastTanh($0) })
    }
}
