import CBLAS
import Foundation

/// An error from a Cholesky factorisation.
public enum CholeskyError: Error, Equatable, CustomStringConvertible {
    /// The matrix is not symmetric positive definite: the leading minor of order `order` is not
    /// positive, even after adding `jitter` to the diagonal.
    case notPositiveDefinite(order: Int, jitter: Double)
    /// The matrix holds a NaN or an infinity.
    case nonFinite

    public var description: String {
        switch self {
        case .notPositiveDefinite(let order, let jitter):
            return "matrix is not positive definite (leading minor \(order) failed with "
                + "diagonal jitter \(jitter)); increase the noise variance or remove duplicate "
                + "inputs"
        case .nonFinite:
            return "matrix contains NaN or infinity; check the inputs for non-finite values"
        }
    }
}

/// The Cholesky factor `L` of a symmetric positive-definite matrix `A = L L^T`, computed by
/// LAPACK `dpotrf`, with solves through `dpotrs`.
///
/// LAPACK is column-major. A symmetric matrix is its own transpose, so the row-major storage of
/// `A` is also its column-major storage; the factor LAPACK writes to the "L" triangle in
/// column-major order is read here as `L^T` in row-major order, which is why `lower` transposes.
public struct Cholesky: Sendable {
    /// The order of the factored matrix.
    public let order: Int
    /// The column-major factor exactly as `dpotrf` left it (lower triangle valid).
    @usableFromInline
    var columnMajorFactor: [Double]
    /// The jitter that was added to the diagonal to make the factorisation succeed (0 if none).
    public let jitter: Double

    /// Factors `matrix`, adding diagonal jitter when it is not numerically positive definite.
    ///
    /// The first attempt uses the matrix as given. Each retry adds `jitter` to the diagonal,
    /// starting at `initialRelativeJitter` times the mean diagonal and growing tenfold per retry,
    /// for at most `maxRetries` retries.
    ///
    /// - Throws: `CholeskyError.notPositiveDefinite` with the last jitter tried, or
    ///   `CholeskyError.nonFinite` when the matrix holds NaN or infinity.
    /// - Complexity: O(n^3) per attempt.
    public init(
        _ matrix: Matrix<Double>, initialRelativeJitter: Double = 1e-9, maxRetries: Int = 6
    ) throws {
        precondition(matrix.rows == matrix.columns, "Cholesky needs a square matrix")
        guard matrix.isFinite else { throw CholeskyError.nonFinite }
        let n = matrix.rows
        let meanDiagonal = (0..<n).reduce(0.0) { $0 + matrix[$1, $1] } / Double(max(n, 1))
        var jitter = 0.0
        var failedOrder = 0
        for attempt in 0...maxRetries {
            if attempt > 0 {
                jitter = attempt == 1
                    ? initialRelativeJitter * max(abs(meanDiagonal), .leastNormalMagnitude)
                    : jitter * 10
            }
            var storage = matrix.storage
            for i in 0..<n { storage[i * n + i] += jitter }
            let info = Cholesky.factorInPlace(&storage, order: n)
            if info == 0 {
                self.order = n
                self.columnMajorFactor = storage
                self.jitter = jitter
                return
            }
            failedOrder = Int(info)
        }
        throw CholeskyError.notPositiveDefinite(order: failedOrder, jitter: jitter)
    }

    /// Runs `dpotrf` on column-major storage and returns LAPACK's `info`.
    private static func factorInPlace(_ storage: inout [Double], order n: Int) -> Int32 {
        if n == 0 { return 0 }
        var uplo: CChar = CChar(UInt8(ascii: "L"))
        var size = Int32(n)
        var leading = Int32(n)
        var info: Int32 = 0
        storage.withUnsafeMutableBufferPointer { buffer in
            dpotrf_(&uplo, &size, buffer.baseAddress!, &leading, &info)
        }
        return info
    }

    /// The lower-triangular factor `L` in row-major order, zeros above the diagonal.
    public var lower: Matrix<Double> {
        var result = Matrix<Double>(rows: order, columns: order)
        for column in 0..<order {
            for row in column..<order {
                result[row, column] = columnMajorFactor[column * order + row]
            }
        }
        return result
    }

    /// Solves `A x = b` for one right-hand side.
    ///
    /// - Complexity: O(n^2).
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == order, "right-hand side of \(b.count) for order \(order)")
        return solve(Matrix(rows: order, columns: 1, storage: b)).storage
    }

    /// Solves `A X = B` for every column of `B`.
    ///
    /// - Complexity: O(n^2 m) for m right-hand sides.
    public func solve(_ b: Matrix<Double>) -> Matrix<Double> {
        precondition(b.rows == order, "right-hand side has \(b.rows) rows for order \(order)")
        if order == 0 || b.columns == 0 { return b }
        // dpotrs wants B column-major: the row-major transpose.
        var columnMajor = b.transposed.storage
        var uplo: CChar = CChar(UInt8(ascii: "L"))
        var size = Int32(order)
        var count = Int32(b.columns)
        var leading = Int32(order)
        var leadingB = Int32(order)
        var info: Int32 = 0
        columnMajorFactor.withUnsafeBufferPointer { factor in
            columnMajor.withUnsafeMutableBufferPointer { right in
                dpotrs_(
                    &uplo, &size, &count, factor.baseAddress!, &leading, right.baseAddress!,
                    &leadingB, &info)
            }
        }
        precondition(info == 0, "dpotrs rejected argument \(-info)")
        return Matrix(rows: b.columns, columns: order, storage: columnMajor).transposed
    }

    /// Solves `L y = b` by forward substitution (the half solve a GP needs for variances).
    ///
    /// - Complexity: O(n^2).
    public func solveLower(_ b: [Double]) -> [Double] {
        precondition(b.count == order, "right-hand side of \(b.count) for order \(order)")
        var y = b
        for i in 0..<order {
            var total = y[i]
            for k in 0..<i { total -= columnMajorFactor[k * order + i] * y[k] }
            y[i] = total / columnMajorFactor[i * order + i]
        }
        return y
    }

    /// The log-determinant of `A`: twice the sum of the logs of the factor's diagonal.
    public var logDeterminant: Double {
        (0..<order).reduce(0.0) { $0 + 2 * log(columnMajorFactor[$1 * order + $1]) }
    }
}
