// MARK: - Matrix products through OpenBLAS

extension Matrix {
    /// Computes `c = alpha * op(a) * op(b) + beta * c`, where `op` transposes when asked.
    ///
    /// With `beta` 0 the previous contents of `c` are ignored (BLAS does not read them), so
    /// `c` may hold anything of the right shape.
    ///
    /// - Complexity: O(m n k) for an m x k times k x n product.
    @inlinable
    public static func multiply(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Scalar = 1, beta: Scalar = 0, into c: inout Matrix
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kB = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kB, "inner dimensions differ: \(k) and \(kB)")
        precondition(c.rows == m && c.columns == n, "output is \(c.rows)x\(c.columns), not \(m)x\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for index in 0..<c.storage.count { c.storage[index] *= beta }
            return
        }
        a.storage.withUnsafeBufferPointer { aBuffer in
            b.storage.withUnsafeBufferPointer { bBuffer in
                c.storage.withUnsafeMutableBufferPointer { cBuffer in
                    Scalar.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: aBuffer.baseAddress!, lda: a.columns,
                        b: bBuffer.baseAddress!, ldb: b.columns, beta: beta,
                        c: cBuffer.baseAddress!, ldc: c.columns)
                }
            }
        }
    }

    /// Returns `op(a) * op(b)`.
    ///
    /// - Complexity: O(m n k).
    @inlinable
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false
    ) -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let n = transposeB ? b.rows : b.columns
        var c = Matrix(rows: m, columns: n)
        multiply(a, b, transposeA: transposeA, transposeB: transposeB, into: &c)
        return c
    }

    /// Returns `op(self) * vector` through BLAS `?gemv`.
    ///
    /// - Complexity: O(rows x columns).
    @inlinable
    public func times(_ vector: [Scalar], transposed: Bool = false) -> [Scalar] {
        let inputCount = transposed ? rows : columns
        let outputCount = transposed ? columns : rows
        precondition(vector.count == inputCount, "vector of \(vector.count) for \(inputCount)")
        var result = [Scalar](repeating: 0, count: outputCount)
        if count == 0 { return result }
        storage.withUnsafeBufferPointer { a in
            vector.withUnsafeBufferPointer { x in
                result.withUnsafeMutableBufferPointer { y in
                    Scalar.gemv(
                        transposeA: transposed, m: rows, n: columns, alpha: 1,
                        a: a.baseAddress!, lda: columns, x: x.baseAddress!, beta: 0,
                        y: y.baseAddress!)
                }
            }
        }
        return result
    }
}
