import Neural
import Numerics
import XCTest

/// Finite-difference checks in Float32.
///
/// Central differences with step h = 1e-2 on a loss of size O(10) have a rounding error of
/// about 6e-8 * 10 / 2e-2 = 3e-5 and a truncation error of order h^2 = 1e-4, so an analytic
/// gradient passes when it is within 1e-3 + 1e-2 |numeric| of the difference quotient.
enum FiniteDifference {
    static let step: Float = 1e-2
    static let absoluteTolerance = 1e-3
    static let relativeTolerance = 1e-2

    /// Returns a fixed pseudo-random matrix for loss probes and test values.
    static func random(rows: Int, columns: Int, seed: UInt64, scale: Double = 1) -> Matrix<Float> {
        var rng = RandomStream(seed: seed)
        return Matrix(
            rows: rows, columns: columns,
            storage: (0..<(rows * columns)).map { _ in Float(rng.uniform(-scale, scale)) })
    }

    /// Returns `sum(a * b)` in double precision.
    static func dot(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Double {
        zip(a.storage, b.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Asserts that `parameter.gradient` (already computed) matches central differences of
    /// `loss` at up to `limit` evenly spread entries, and that it is not negligible.
    static func check(
        _ parameter: Parameter, limit: Int = 24, loss: () -> Double,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let analytic = parameter.gradient
        let count = parameter.value.count
        let stride = max(1, count / limit)
        var largest = 0.0
        for index in Swift.stride(from: 0, to: count, by: stride) {
            let original = parameter.value.storage[index]
            parameter.value.storage[index] = original + step
            let plus = loss()
            parameter.value.storage[index] = original - step
            let minus = loss()
            parameter.value.storage[index] = original
            let numeric = (plus - minus) / Double(2 * step)
            let value = Double(analytic.storage[index])
            largest = max(largest, abs(value))
            XCTAssertEqual(
                value, numeric, accuracy: absoluteTolerance + relativeTolerance * abs(numeric),
                "gradient of \(parameter.name)[\(index)]", file: file, line: line)
        }
        XCTAssertGreaterThan(largest, 1e-2, "gradient of \(parameter.name) is negligible",
                             file: file, line: line)
    }

    /// Asserts that two matrices hold the same bits.
    static func assertBitIdentical(
        _ a: Matrix<Float>, _ b: Matrix<Float>, _ message: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(a.rows, b.rows, message, file: file, line: line)
        XCTAssertEqual(a.columns, b.columns, message, file: file, line: line)
        XCTAssertEqual(a.storage.map(\.bitPattern), b.storage.map(\.bitPattern), message,
                       file: file, line: line)
    }
}
