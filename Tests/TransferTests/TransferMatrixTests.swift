import Foundation
import XCTest

@testable import Transfer

/// The 5 x 5 matrix most tests share, as raw returns with bounds 0...8 so that every
/// normalised value is an exact multiple of 1/8 (rows are sources, columns targets):
///
/// ```
///        t0 t1 t2 t3 t4
///   s0 [  7  5  2  1  0 ]
///   s1 [  6  6  4  2  1 ]
///   s2 [  3  5  8  5  2 ]
///   s3 [  1  2  4  6  5 ]
///   s4 [  0  1  2  7  7 ]
/// ```
///
/// Diagonal 7 + 6 + 8 + 6 + 7 = 34, so independent training gives 34 / 40 = 0.85. Column
/// maxima 7 + 6 + 8 + 7 + 7 = 35, so the oracle gives 35 / 40 = 0.875.
enum HandMatrix {
    static let returns: [[Double]] = [
        [7, 5, 2, 1, 0],
        [6, 6, 4, 2, 1],
        [3, 5, 8, 5, 2],
        [1, 2, 4, 6, 5],
        [0, 1, 2, 7, 7],
    ]

    static func matrix(multitask: [Double]? = nil) -> TransferMatrix {
        TransferMatrix(returns: returns, returnBounds: 0...8, multitaskReturns: multitask)
    }
}

final class TransferMatrixTests: XCTestCase {
    func testNormalisationClamps() {
        XCTAssertEqual(TransferMatrix.normalizedPerformance(250, returnBounds: 0...500), 0.5)
        XCTAssertEqual(TransferMatrix.normalizedPerformance(-10, returnBounds: 0...500), 0)
        XCTAssertEqual(TransferMatrix.normalizedPerformance(600, returnBounds: 0...500), 1)
        // Pendulum bounds: -1350 lies halfway between -2200 and -500.
        XCTAssertEqual(
            TransferMatrix.normalizedPerformance(-1350, returnBounds: -2200 ... -500), 0.5)
    }

    func testReferenceValues() {
        let matrix = HandMatrix.matrix(multitask: [6, 6, 7, 6, 6])
        XCTAssertEqual(matrix.independentPerformance, 0.85)
        XCTAssertEqual(matrix.oraclePerformance, 0.875)
        // (6 + 6 + 7 + 6 + 6) / 40
        XCTAssertEqual(matrix.multitaskPerformance, 0.775)
        XCTAssertNil(HandMatrix.matrix().multitaskPerformance)
    }

    func testGeneralizedPerformanceOfSet() {
        let matrix = HandMatrix.matrix()
        // Sources 0 and 4: column maxima 7, 5, 2, 7, 7 = 28, over 40.
        XCTAssertEqual(matrix.generalizedPerformance(sources: [0, 4]), 0.7)
        XCTAssertEqual(matrix.generalizedPerformance(sources: []), 0)
    }

    func testCurveMatchesSets() {
        let matrix = HandMatrix.matrix()
        let order = [2, 4, 0]
        let curve = matrix.generalizedPerformanceCurve(order: order)
        for k in 1...3 {
            XCTAssertEqual(curve[k - 1], matrix.generalizedPerformance(sources: order[..<k]))
        }
    }
}

final class TransferMatrixCSVTests: XCTestCase {
    func testRoundTripWithLabelsAndMultitask() throws {
        let labels = ["length=0.1", "length=0.2", "length=\"odd\",x", "length=0.4", "length=0.5"]
        let original = TransferMatrix(
            returns: HandMatrix.returns.map { $0.map { $0 * 61.7 + 0.1 } }, returnBounds: 0...500,
            labels: labels, multitaskReturns: [1e-7, 2.5, 3, 4, 499.99999999999994])
        let restored = try TransferMatrix(csv: original.csv(), returnBounds: 0...500)
        XCTAssertEqual(restored, original)
    }

    func testPlainMatrixWithoutHeader() throws {
        let matrix = try TransferMatrix(csv: "1,2\n3,4\n", returnBounds: 0...4)
        XCTAssertNil(matrix.labels)
        XCTAssertNil(matrix.multitaskReturns)
        XCTAssertEqual(matrix.performance, [[0.25, 0.5], [0.75, 1]])
    }

    func testHeaderIsTolerated() throws {
        let matrix = try TransferMatrix(
            csv: "length=0.5, length=1\r\n1, 2\r\n3, 4\r\n\r\n", returnBounds: nil)
        XCTAssertEqual(matrix.labels, ["length=0.5", "length=1"])
        XCTAssertEqual(matrix.returns, [[1, 2], [3, 4]])
        // Without bounds, the smallest and largest return are used.
        XCTAssertEqual(matrix.returnBounds, 1...4)
    }

    func testExtraRowIsMultitask() throws {
        let matrix = try TransferMatrix(csv: "1,2\n3,4\n2,2\n", returnBounds: 0...4)
        XCTAssertEqual(matrix.multitaskReturns, [2, 2])
        XCTAssertEqual(matrix.multitaskPerformance, 0.5)
    }

    func testErrors() {
        func error(_ text: String, bounds: ClosedRange<Double>? = 0...1) -> TransferMatrixError? {
            do {
                _ = try TransferMatrix(csv: text, returnBounds: bounds)
                return nil
            } catch {
                return error as? TransferMatrixError
            }
        }
        XCTAssertEqual(error(""), .empty)
        XCTAssertEqual(error("a,b\n"), .empty)
        XCTAssertEqual(error("1,2\n3\n"), .raggedRow(line: 2, count: 1, expected: 2))
        XCTAssertEqual(error("1,2\n3,x\n"), .invalidNumber(line: 2, column: 2, text: "x"))
        XCTAssertEqual(error("1,2\n3,nan\n"), .nonFinite(line: 2, column: 2))
        XCTAssertEqual(error("1,2\n3,4\n5,6\n7,8\n"), .notSquare(rows: 4, columns: 2))
        XCTAssertEqual(error("a,b,c\n1,2\n3,4\n"), .headerLength(count: 3, expected: 2))
        XCTAssertEqual(error("\"a,b\n"), .unterminatedQuote(line: 1))
        XCTAssertEqual(error("2,2\n2,2\n", bounds: nil), .constantReturns(value: 2))
    }

    func testBoundsCheck() {
        XCTAssertThrowsError(try TransferMatrix.checkedBounds(5, 5)) { error in
            XCTAssertEqual(error as? TransferMatrixError, .invalidBounds(lower: 5, upper: 5))
        }
        XCTAssertEqual(try TransferMatrix.checkedBounds(-2200, -500), -2200 ... -500)
    }

    func testFileRoundTrip() throws {
        let path = NSTemporaryDirectory() + "transfer-matrix-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let matrix = HandMatrix.matrix()
        try matrix.write(path: path)
        XCTAssertEqual(try TransferMatrix.read(path: path, returnBounds: 0...8), matrix)
    }
}
