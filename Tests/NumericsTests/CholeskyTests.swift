import XCTest

@testable import Numerics

final class CholeskyTests: XCTestCase {
    let spd = Matrix<Double>([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])

    func testFactorMatchesClosedForm() throws {
        // The textbook example: L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]].
        let factor = try Cholesky(spd)
        XCTAssertEqual(factor.lower, Matrix([[2, 0, 0], [6, 1, 0], [-8, 5, 3]]))
        XCTAssertEqual(factor.jitter, 0)
    }

    func testSolveRecoversRightHandSide() throws {
        let factor = try Cholesky(spd)
        let x = [1.0, -2.0, 0.5]
        let b = spd.times(x)
        let solved = factor.solve(b)
        for (value, expected) in zip(solved, x) { XCTAssertEqual(value, expected, accuracy: 1e-10) }
    }

    func testSolveLowerIsForwardSubstitution() throws {
        let factor = try Cholesky(spd)
        let y = factor.solveLower([2, 7, 1])
        // L y = b with L above: y = [1, 1, 1 - ... ] solved by hand: y0 = 1, y1 = 7 - 6 = 1,
        // y2 = (1 + 8 - 5) / 3 = 4 / 3.
        XCTAssertEqual(y[0], 1, accuracy: 1e-12)
        XCTAssertEqual(y[1], 1, accuracy: 1e-12)
        XCTAssertEqual(y[2], 4.0 / 3.0, accuracy: 1e-12)
    }

    func testLogDeterminant() throws {
        // det = (2 * 1 * 3)^2 = 36.
        XCTAssertEqual(try Cholesky(spd).logDeterminant, log(36.0), accuracy: 1e-12)
    }

    func testSingularMatrixGetsJitter() throws {
        let singular = Matrix<Double>([[1, 1], [1, 1]])
        let factor = try Cholesky(singular)
        XCTAssertGreaterThan(factor.jitter, 0)
        XCTAssertLessThan(factor.jitter, 1e-6)
    }

    func testIndefiniteMatrixThrowsTypedError() {
        let indefinite = Matrix<Double>([[1, 0], [0, -1]])
        XCTAssertThrowsError(try Cholesky(indefinite)) { error in
            guard case CholeskyError.notPositiveDefinite = error else {
                return XCTFail("unexpected error \(error)")
            }
        }
    }

    func testNonFiniteMatrixThrows() {
        XCTAssertThrowsError(try Cholesky(Matrix([[Double.nan]]))) { error in
            XCTAssertEqual(error as? CholeskyError, .nonFinite)
        }
    }
}
