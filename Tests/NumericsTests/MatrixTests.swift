import XCTest

@testable import Numerics

final class MatrixTests: XCTestCase {
    func testProductMatchesHandComputation() {
        let a = Matrix<Float>([[1, 2, 3], [4, 5, 6]])
        let b = Matrix<Float>([[7, 8], [9, 10], [11, 12]])
        XCTAssertEqual(Matrix.product(a, b), Matrix([[58, 64], [139, 154]]))
    }

    func testProductWithTransposes() {
        let a = Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        let b = Matrix<Double>([[1, 0, 2], [0, 1, 3]])
        // a^T (2x3) times b^T (3x2)
        let expected = Matrix<Double>([[11, 18], [14, 22]])
        XCTAssertEqual(Matrix.product(a, b, transposeA: true, transposeB: true), expected)
    }

    func testMultiplyAccumulatesWithAlphaAndBeta() {
        let a = Matrix<Float>([[1, 2], [3, 4]])
        var c = Matrix<Float>([[1, 1], [1, 1]])
        Matrix.multiply(a, Matrix.identity(2), alpha: 2, beta: 3, into: &c)
        XCTAssertEqual(c, Matrix([[5, 7], [9, 11]]))
    }

    func testMatrixVectorProduct() {
        let a = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(a.times([1, 0, -1]), [-2, -2])
        XCTAssertEqual(a.times([1, 1], transposed: true), [5, 7, 9])
    }

    func testElementwiseAndReductions() {
        let a = Matrix<Float>([[1, -2], [3, 4]])
        let b = Matrix<Float>([[2, 2], [2, 2]])
        XCTAssertEqual((a * b).storage, [2, -4, 6, 8])
        XCTAssertEqual((a + b).storage, [3, 0, 5, 6])
        XCTAssertEqual(a.sum(), 6)
        XCTAssertEqual(a.columnSums(), [4, 2])
        XCTAssertEqual(a.rowSums(), [-1, 7])
        XCTAssertEqual(a.rowArgmax(), [0, 1])
        XCTAssertEqual(a.squaredNorm(), 30)
    }

    func testAddToEachRowBroadcasts() {
        var a = Matrix<Float>(rows: 2, columns: 3)
        a.addToEachRow([1, 2, 3])
        XCTAssertEqual(a.storage, [1, 2, 3, 1, 2, 3])
    }

    func testGatherRowsAndTranspose() {
        let a = Matrix<Float>([[1, 2], [3, 4], [5, 6]])
        XCTAssertEqual(a.gatherRows([2, 0]), Matrix([[5, 6], [1, 2]]))
        XCTAssertEqual(a.transposed, Matrix([[1, 3, 5], [2, 4, 6]]))
    }

    func testNonFiniteDetected() {
        XCTAssertFalse(Matrix<Float>([[1, .nan]]).isFinite)
        XCTAssertTrue(Matrix<Float>([[1, 2]]).isFinite)
    }

    /// Every position of a nine-element matrix, so both the four-lane part and the tail.
    func testNonFiniteDetectedAtEveryPosition() {
        for bad: Float in [.nan, .infinity, -.infinity] {
            for position in 0..<9 {
                var values: [Float] = [1, -2, .greatestFiniteMagnitude, -0.0, 5, 6, 7, 8, 9]
                values[position] = bad
                let matrix = Matrix(rows: 3, columns: 3, storage: values)
                XCTAssertFalse(matrix.isFinite, "\(bad) at \(position)")
            }
        }
        let extremes: [Double] = [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, -0.0, 1e-300, 4, 5]
        XCTAssertTrue(Matrix(rows: 2, columns: 3, storage: extremes).isFinite)
        XCTAssertTrue(Matrix<Float>(rows: 0, columns: 3).isFinite)
    }
}
