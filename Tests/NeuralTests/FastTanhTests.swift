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
        XCTAssertLessThan(worst, 2.5e-7)
    }

    func testExactAtZeroAndSaturates() {
        XCTAssertEqual(fastTanh(0), 0)
        XCTAssertEqual(fastTanh(12), 1)
        XCTAssertEqual(fastTanh(-12), -1)
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
