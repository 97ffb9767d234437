import CBLAS

/// A floating-point type whose matrix products OpenBLAS computes: `Float` through `sgemm` and
/// `sgemv`, `Double` through `dgemm` and `dgemv`.
public protocol BLASScalar: BinaryFloatingPoint, SIMDScalar, Sendable
where Self.RawSignificand: FixedWidthInteger {
    /// Computes `C = alpha * op(A) * op(B) + beta * C` on row-major buffers (BLAS `?gemm`).
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
        c: UnsafeMutablePointer<Self>, ldc: Int)

    /// Computes `y = alpha * op(A) * x + beta * y` on a row-major buffer (BLAS `?gemv`).
    static func gemv(
        transposeA: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
}

@usableFromInline
func cblasTranspose(_ transpose: Bool) -> CBLAS_TRANSPOSE {
    transpose ? CblasTrans : CblasNoTrans
}

extension Float: BLASScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
            Int32(ldc))
    }

    @inlinable
    public static func gemv(
        transposeA: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(
            CblasRowMajor, cblasTranspose(transposeA), Int32(m), Int32(n), alpha, a, Int32(lda),
            x, 1, beta, y, 1)
    }
}

extension Double: BLASScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
            Int32(ldc))
    }

    @inlinable
    public static func gemv(
        transposeA: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(
            CblasRowMajor, cblasTranspose(transposeA), Int32(m), Int32(n), alpha, a, Int32(lda),
            x, 1, beta, y, 1)
    }
}

/// Limits OpenBLAS to `count` threads. Small products run faster on one thread, and ctxrl runs
/// its parallel work at a coarser grain (one training per core).
public func setBLASThreadCount(_ count: Int) {
    openblas_set_num_threads(Int32(count))
}
