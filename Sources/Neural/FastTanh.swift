/// A vectorizable single-precision hyperbolic tangent.
///
/// glibc's `tanhf` is a scalar call of 11 to 18 ns per element on the machines ctxrl was
/// measured on, which dominates the cost of 64-unit networks. This version is a rational
/// function of the clamped input `m = clamp(x, -c, c)`, `c = 8.065915`:
///
/// ```
/// tanh(x) ~ m P(m^2) / Q(m^2),   P of degree 6 with P(0) = 1,   Q of degree 3 with Q(0) = 1
/// ```
///
/// The coefficients were fitted by iterated weighted least squares on [0, 9], with an error
/// below 7e-9 in exact arithmetic, so the float evaluation's rounding dominates. There is one
/// division, no exponential and no branch, so the loop compiles to SIMD instructions. Because
/// P(0) = Q(0) = 1, tiny inputs come back unchanged. The clamp c is the first float at which
/// the float evaluation reaches exactly 1 (it would pass 1 at 8.36). So the result never
/// leaves [-1, 1] and saturates to ±1; the true tanh(c) is 1 - 1.9e-7.
///
/// Maximum absolute error against the double-precision `tanh`: 3.5e-7 over [-20, 20], checked
/// by `FastTanhTests`. The function is odd, exact at 0, and propagates NaN.
@inlinable @inline(__always)
public func fastTanh(_ x: Float) -> Float {
    let limit = TanhCoefficients.limit
    let upper = x > limit ? limit : x
    let m = upper < -limit ? -limit : upper
    let s = m * m
    return m * TanhCoefficients.numerator(s) / TanhCoefficients.denominator(s)
}

/// Applies `fastTanh` to every element of `buffer` in place.
@inlinable
public func fastTanh(inPlace buffer: UnsafeMutableBufferPointer<Float>) {
    fastTanh(UnsafeBufferPointer(buffer), into: buffer)
}

/// Writes `fastTanh` of every element of `source` to `target`, which may be the same memory.
///
/// Eight lanes at a time through `SIMD8<Float>`, with the same arithmetic as the scalar
/// function. The tail of fewer than eight elements uses the scalar function.
@inlinable
public func fastTanh(
    _ source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>
) {
    precondition(target.count >= source.count, "target of \(target.count) for \(source.count)")
    let count = source.count
    let vectorCount = count / 8
    guard let input = source.baseAddress, let output = target.baseAddress else { return }
    let (from, to) = (UnsafeRawPointer(input), UnsafeMutableRawPointer(output))
    for chunk in 0..<vectorCount {
        let offset = chunk * 8 * MemoryLayout<Float>.stride
        let x = from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        to.storeBytes(of: fastTanh8(x), toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for i in (vectorCount * 8)..<count { output[i] = fastTanh(input[i]) }
}

/// `fastTanh` on eight lanes.
@inlinable @inline(__always)
public func fastTanh8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let limit = SIMD8<Float>(repeating: TanhCoefficients.limit)
    let upper = x.replacing(with: limit, where: x .> limit)
    let m = upper.replacing(with: -limit, where: upper .< -limit)
    let s = m * m
    return m * TanhCoefficients.numerator(s) / TanhCoefficients.denominator(s)
}

/// The fitted polynomials of `fastTanh`, evaluated by Horner's rule in `s = x^2`.
@usableFromInline
enum TanhCoefficients {
    /// The clamp on |x|, found by scanning every float of [7.5, 9.5] through this evaluation.
    @usableFromInline static let limit: Float = 8.065_915

    @inlinable @inline(__always)
    static func numerator<V: SIMD>(_ s: V) -> V where V.Scalar == Float {
        var p = V(repeating: -8.462_704_961e-14)
        p = p * s + V(repeating: 5.266_915_752e-11)
        p = p * s + V(repeating: -2.020_043_668e-8)
        p = p * s + V(repeating: 1.114_780_893e-5)
        p = p * s + V(repeating: 3.103_312_581e-3)
        p = p * s + V(repeating: 1.308_342_833e-1)
        return p * s + V(repeating: 1)
    }

    @inlinable @inline(__always)
    static func denominator<V: SIMD>(_ s: V) -> V where V.Scalar == Float {
        var q = V(repeating: 2.545_220_961e-4)
        q = q * s + V(repeating: 2.449_259_636e-2)
        q = q * s + V(repeating: 4.641_675_598e-1)
        return q * s + V(repeating: 1)
    }

    @inlinable @inline(__always)
    static func numerator(_ s: Float) -> Float { numerator(SIMD2(repeating: s))[0] }

    @inlinable @inline(__always)
    static func denominator(_ s: Float) -> Float { denominator(SIMD2(repeating: s))[0] }
}
