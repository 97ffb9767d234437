// MARK: - Element-wise arithmetic

extension Matrix {
    @inlinable
    static func checkSameShape(_ a: Matrix, _ b: Matrix) {
        precondition(
            a.rows == b.rows && a.columns == b.columns,
            "shapes differ: \(a.rows)x\(a.columns) and \(b.rows)x\(b.columns)")
    }

    /// Applies `transform` to every element.
    @inlinable
    public func map(_ transform: (Scalar) -> Scalar) -> Matrix {
        Matrix(rows: rows, columns: columns, storage: storage.map(transform))
    }

    @inlinable
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        checkSameShape(a, b)
        var result = a
        result += b
        return result
    }

    @inlinable
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        checkSameShape(a, b)
        var result = a
        result -= b
        return result
    }

    /// The Hadamard (element-wise) product.
    @inlinable
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        checkSameShape(a, b)
        var result = a
        result *= b
        return result
    }

    @inlinable
    public static func * (scale: Scalar, a: Matrix) -> Matrix {
        var result = a
        result *= scale
        return result
    }

    @inlinable
    public static func += (a: inout Matrix, b: Matrix) {
        checkSameShape(a, b)
        b.storage.withUnsafeBufferPointer { source in
            a.storage.withUnsafeMutableBufferPointer { target in
                for i in 0..<target.count { target[i] += source[i] }
            }
        }
    }

    @inlinable
    public static func -= (a: inout Matrix, b: Matrix) {
        checkSameShape(a, b)
        b.storage.withUnsafeBufferPointer { source in
            a.storage.withUnsafeMutableBufferPointer { target in
                for i in 0..<target.count { target[i] -= source[i] }
            }
        }
    }

    @inlinable
    public static func *= (a: inout Matrix, b: Matrix) {
        checkSameShape(a, b)
        b.storage.withUnsafeBufferPointer { source in
            a.storage.withUnsafeMutableBufferPointer { target in
                for i in 0..<target.count { target[i] *= source[i] }
            }
        }
    }

    @inlinable
    public static func *= (a: inout Matrix, scale: Scalar) {
        a.storage.withUnsafeMutableBufferPointer { target in
            for i in 0..<target.count { target[i] *= scale }
        }
    }

    /// Adds `scale * other` in place (BLAS `axpy` semantics, written as a loop the compiler
    /// vectorizes).
    @inlinable
    public mutating func add(_ other: Matrix, scaledBy scale: Scalar) {
        Matrix.checkSameShape(self, other)
        other.storage.withUnsafeBufferPointer { source in
            storage.withUnsafeMutableBufferPointer { target in
                for i in 0..<target.count { target[i] = source[i] * scale + target[i] }
            }
        }
    }

    /// Adds `vector` to every row (a bias broadcast); `vector.count` must equal `columns`.
    @inlinable
    public mutating func addToEachRow(_ vector: [Scalar]) {
        precondition(vector.count == columns, "vector of \(vector.count) for \(columns) columns")
        let columns = self.columns
        vector.withUnsafeBufferPointer { v in
            storage.withUnsafeMutableBufferPointer { target in
                for i in 0..<rows {
                    for j in 0..<columns { target[i * columns + j] += v[j] }
                }
            }
        }
    }

    /// Sets every element to zero, keeping the shape.
    @inlinable
    public mutating func zero() {
        storage.withUnsafeMutableBufferPointer { target in
            for i in 0..<target.count { target[i] = 0 }
        }
    }
}

// MARK: - Reductions

extension Matrix {
    /// Returns the sum of all elements.
    @inlinable
    public func sum() -> Scalar {
        storage.reduce(0, +)
    }

    /// Returns the mean of all elements, or 0 for an empty matrix.
    @inlinable
    public func mean() -> Scalar {
        count == 0 ? 0 : sum() / Scalar(count)
    }

    /// Returns the sum of squares of all elements.
    @inlinable
    public func squaredNorm() -> Scalar {
        storage.reduce(0) { $0 + $1 * $1 }
    }

    /// Returns the sum of each column, one value per column, as `A^T 1` through BLAS `?gemv`.
    ///
    /// - Complexity: O(rows x columns).
    @inlinable
    public func columnSums() -> [Scalar] {
        times([Scalar](repeating: 1, count: rows), transposed: true)
    }

    /// Returns the sum of each row, one value per row.
    @inlinable
    public func rowSums() -> [Scalar] {
        (0..<rows).map { i in
            var total: Scalar = 0
            for j in 0..<columns { total += storage[i * columns + j] }
            return total
        }
    }

    /// Returns the index of the largest element in each row; ties go to the first.
    @inlinable
    public func rowArgmax() -> [Int] {
        (0..<rows).map { i in
            var best = 0
            for j in 1..<max(columns, 1) where storage[i * columns + j] > storage[i * columns + best] {
                best = j
            }
            return best
        }
    }

    /// Whether every element is finite (no NaN and no infinity).
    ///
    /// `x * 0` is 0 for a finite `x` and NaN otherwise, so a sum without early exit decides it
    /// and the loop vectorizes. Optimizers check every parameter after every step.
    @inlinable
    public var isFinite: Bool {
        storage.withUnsafeBufferPointer { buffer in
            var lanes = SIMD4<Scalar>()
            let vectorEnd = buffer.count - buffer.count % 4
            for start in stride(from: 0, to: vectorEnd, by: 4) {
                let chunk = SIMD4(
                    buffer[start], buffer[start + 1], buffer[start + 2], buffer[start + 3])
                lanes += chunk * 0
            }
            var total = lanes.sum()
            for i in vectorEnd..<buffer.count { total += buffer[i] * 0 }
            return total == 0
        }
    }
}
