/// A dense, row-major, contiguous matrix of `Float` or `Double`.
///
/// Element `(i, j)` lives at `storage[i * columns + j]`. Shapes are checked with `precondition`,
/// because a mismatch is a programming mistake, not a user error. Products go through OpenBLAS
/// (see `Matrix+BLAS.swift`); element-wise operations and reductions are plain loops that the
/// compiler vectorizes.
public struct Matrix<Scalar: BLASScalar>: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements in row-major order.
    public var storage: [Scalar]

    /// Creates a `rows` x `columns` matrix with every element equal to `value`.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// Creates a matrix from row-major elements; `storage.count` must equal `rows * columns`.
    @inlinable
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(
            storage.count == rows * columns,
            "\(storage.count) elements cannot fill a \(rows)x\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Creates a matrix from an array of equally long rows.
    @inlinable
    public init(_ rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows differ in length")
        self.init(rows: rowArrays.count, columns: columns, storage: rowArrays.flatMap { $0 })
    }

    /// Creates the `size` x `size` identity matrix.
    @inlinable
    public static func identity(_ size: Int) -> Matrix {
        var result = Matrix(rows: size, columns: size)
        for i in 0..<size { result.storage[i * size + i] = 1 }
        return result
    }

    /// Number of elements.
    @inlinable
    public var count: Int { rows * columns }

    /// The element at row `row` and column `column`.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns)
            return storage[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns)
            storage[row * columns + column] = newValue
        }
    }

    /// A copy of row `index`.
    @inlinable
    public func row(_ index: Int) -> [Scalar] {
        precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
        return Array(storage[index * columns..<(index + 1) * columns])
    }

    /// Replaces row `index` with `values`.
    @inlinable
    public mutating func setRow(_ index: Int, to values: [Scalar]) {
        precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
        precondition(values.count == columns, "row of \(values.count) for \(columns) columns")
        storage.replaceSubrange(index * columns..<(index + 1) * columns, with: values)
    }

    /// The rows at `indices`, in that order, as a new matrix.
    @inlinable
    public func gatherRows(_ indices: [Int]) -> Matrix {
        var result = Matrix(rows: indices.count, columns: columns)
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                for (k, index) in indices.enumerated() {
                    precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
                    for j in 0..<columns { target[k * columns + j] = source[index * columns + j] }
                }
            }
        }
        return result
    }

    /// The transpose.
    @inlinable
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { result.storage[j * rows + i] = storage[i * columns + j] }
        }
        return result
    }

    /// Changes the shape without moving elements; the element count must not change.
    @inlinable
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> Matrix {
        Matrix(rows: newRows, columns: newColumns, storage: storage)
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let body = (0..<rows).map { i in row(i).map { "\($0)" }.joined(separator: ", ") }
        return "Matrix \(rows)x\(columns) [" + body.joined(separator: "; ") + "]"
    }
}
