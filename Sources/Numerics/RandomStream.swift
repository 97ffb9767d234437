import Foundation

/// A seeded stream of pseudo-random numbers: xoshiro256** 1.0 (Blackman and Vigna, 2018),
/// seeded through SplitMix64.
///
/// One run seed fixes everything. A stream never shares state with another. Independent
/// streams for environment copies, context sampling and action sampling come from
/// `child(_:)`, which depends only on this stream's seed and the label, not on how many
/// numbers were already drawn, so reproducibility survives reordering of the draws.
///
/// The generator has a period of 2^256 - 1 and passes BigCrush; it is not cryptographic.
public struct RandomStream: RandomNumberGenerator, Sendable {
    /// The seed this stream was created from; children are derived from it.
    public let seed: UInt64
    @usableFromInline
    var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a stream from a 64-bit seed.
    public init(seed: UInt64) {
        self.seed = seed
        var mixer = seed
        state = (
            RandomStream.splitMix(&mixer), RandomStream.splitMix(&mixer),
            RandomStream.splitMix(&mixer), RandomStream.splitMix(&mixer)
        )
    }

    /// Advances a SplitMix64 state and returns its next output (Steele, Lea and Flood, 2014).
    @usableFromInline
    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Returns the next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    @inlinable
    func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    // MARK: - Child streams

    /// Derives an independent stream for child number `index` of this stream.
    public func child(_ index: Int) -> RandomStream {
        var mixer = seed ^ 0x6A09_E667_F3BC_C909
        _ = RandomStream.splitMix(&mixer)
        mixer ^= UInt64(bitPattern: Int64(index)) &* 0xD1B5_4A32_D192_ED03
        return RandomStream(seed: RandomStream.splitMix(&mixer))
    }

    /// Derives an independent stream named by `label`, such as "environments" or "actions".
    ///
    /// The label is hashed with 64-bit FNV-1a, which, unlike Swift's `Hasher`, gives the same
    /// value in every process.
    public func child(_ label: String) -> RandomStream {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in label.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        var mixer = seed ^ hash
        return RandomStream(seed: RandomStream.splitMix(&mixer))
    }

    // MARK: - Uniform

    /// Draws a uniform `Double` in [0, 1) with 53 random bits.
    @inlinable
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Draws a uniform `Double` in [lower, upper).
    @inlinable
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * uniform()
    }

    /// Draws a uniform `Float` in [0, 1) with 24 random bits.
    @inlinable
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Draws a uniform integer in 0..<bound, without modulo bias.
    @inlinable
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:) needs a positive bound, got \(bound)")
        return Int(next(upperBound: UInt64(bound)))
    }

    // MARK: - Normal

    /// Draws a standard normal `Double` by the Box-Muller transform.
    ///
    /// Each call draws two uniforms and returns one normal; the second is discarded so that
    /// the stream position depends only on the number of calls.
    @inlinable
    public mutating func normal() -> Double {
        // 1 - u lies in (0, 1], so its logarithm is finite.
        let radius = (-2 * Foundation.log(1 - uniform())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        return radius * Foundation.cos(angle)
    }

    /// Draws a normal `Double` with the given mean and standard deviation.
    @inlinable
    public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * normal()
    }

    // MARK: - Categorical and permutations

    /// An index drawn with probability proportional to `weights`, which must be non-negative
    /// with a positive finite sum.
    @inlinable
    public mutating func categorical<S: BinaryFloatingPoint>(weights: [S]) -> Int {
        var total = 0.0
        for weight in weights { total += Double(weight) }
        precondition(total > 0 && total.isFinite, "categorical weights sum to \(total)")
        let threshold = uniform() * total
        var cumulative = 0.0
        for (index, weight) in weights.enumerated() {
            cumulative += Double(weight)
            if threshold < cumulative { return index }
        }
        return weights.lastIndex { $0 > 0 } ?? weights.count - 1
    }

    /// Draws a uniformly random permutation of 0..<count (Fisher-Yates).
    @inlinable
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        if count < 2 { return indices }
        for i in stride(from: count - 1, to: 0, by: -1) {
            indices.swapAt(i, integer(below: i + 1))
        }
        return indices
    }
}
