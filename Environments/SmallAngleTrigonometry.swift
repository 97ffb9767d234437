/// Sine and cosine of four angles at once for |x| <= 0.25, by Taylor polynomials in SIMD
/// arithmetic.
///
/// The vectorized CartPole uses them because its pole angles before a step never leave
/// ±12 degrees (0.2094 rad) or the reset interval of at most ±0.2 rad. The C library's
/// `sin` and `cos` are the same to within about 1 ULP but cost a call per value.
///
/// Truncation errors are below 1e-20 relative, because the first omitted terms are
/// x^15/15! and x^14/14!, so rounding decides the accuracy. The tests measure at most 1 ULP
/// of difference from glibc 2.36 over 10^6 arguments.
@usableFromInline
enum SmallAngleTrigonometry {
    /// The largest |x| for which `sinCos` is accurate.
    @inlinable static var limit: Double { 0.25 }

    /// Returns the sine and cosine of each lane of `x`.
    ///
    /// - Precondition: every lane satisfies |x| <= `limit`. Callers check and fall back to
    ///   the C library for other lanes.
    @inlinable @inline(__always)
    static func sinCos(_ x: SIMD4<Double>) -> (sin: SIMD4<Double>, cos: SIMD4<Double>) {
        let z = x * x

        // sin x = x + x^3 (-1/3! + z (1/5! - z (1/7! - ...))), Horner's rule in z = x^2.
        var s = SIMD4<Double>(repeating: 1.0 / 6_227_020_800)
        s = s * z + SIMD4(repeating: -1.0 / 39_916_800)
        s = s * z + SIMD4(repeating: 1.0 / 362_880)
        s = s * z + SIMD4(repeating: -1.0 / 5040)
        s = s * z + SIMD4(repeating: 1.0 / 120)
        s = s * z + SIMD4(repeating: -1.0 / 6)
        let sine = x + (x * z) * s

        // cos x = 1 - z/2 + z^2 (1/4! - z (1/6! - ...)). The rounding error of w = 1 - z/2 is
        // recovered exactly as (1 - w) - z/2 and added back with the small terms.
        var c = SIMD4<Double>(repeating: 1.0 / 479_001_600)
        c = c * z + SIMD4(repeating: -1.0 / 3_628_800)
        c = c * z + SIMD4(repeating: 1.0 / 40320)
        c = c * z + SIMD4(repeating: -1.0 / 720)
        c = c * z + SIMD4(repeating: 1.0 / 24)
        let one = SIMD4<Double>(repeating: 1)
        let halfZ = 0.5 * z
        let w = one - halfZ
        let cosine = w + (((one - w) - halfZ) + (z * z) * c)
        return (sine, cosine)
    }
}
