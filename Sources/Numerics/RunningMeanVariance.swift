/// The running mean and variance of vectors, per component, for observation normalisation.
///
/// Batches are folded in with the parallel algorithm of Chan, Golub and LeVeque (1979), which
/// is exact for any split of the data. The statistics start at mean 0, variance 1 and a count of
/// `initialCount` (1e-4 by default, as in Stable-Baselines3's `RunningMeanStd`) so that the
/// first batch dominates without a division by zero.
///
/// When `isFrozen` is true, `update` and `merge` leave the statistics unchanged: evaluation
/// uses the statistics that training produced without moving them.
public struct RunningMeanVariance: Codable, Equatable, Sendable {
    /// The mean of each component.
    public private(set) var mean: [Double]
    /// The population variance of each component.
    public private(set) var variance: [Double]
    /// The (possibly fractional) number of samples seen.
    public private(set) var count: Double
    /// Whether updates are ignored.
    public var isFrozen: Bool = false

    /// Creates statistics for vectors of `dimension` components.
    public init(dimension: Int, initialCount: Double = 1e-4) {
        self.mean = Array(repeating: 0, count: dimension)
        self.variance = Array(repeating: 1, count: dimension)
        self.count = initialCount
    }

    /// Creates statistics with given values, for restoring and for tests.
    public init(mean: [Double], variance: [Double], count: Double) {
        precondition(mean.count == variance.count, "mean and variance differ in length")
        self.mean = mean
        self.variance = variance
        self.count = count
    }

    /// The number of components.
    public var dimension: Int { mean.count }

    /// Folds in a batch of vectors given as rows of `batch`.
    public mutating func update(batch: [[Double]]) {
        guard !isFrozen, !batch.isEmpty else { return }
        let n = Double(batch.count)
        var batchMean = [Double](repeating: 0, count: dimension)
        for row in batch {
            precondition(row.count == dimension, "row of \(row.count) for \(dimension)")
            for j in 0..<dimension { batchMean[j] += row[j] }
        }
        for j in 0..<dimension { batchMean[j] /= n }
        var batchVariance = [Double](repeating: 0, count: dimension)
        for row in batch {
            for j in 0..<dimension {
                let delta = row[j] - batchMean[j]
                batchVariance[j] += delta * delta
            }
        }
        for j in 0..<dimension { batchVariance[j] /= n }
        merge(RunningMeanVariance(mean: batchMean, variance: batchVariance, count: n))
    }

    /// Folds in statistics computed elsewhere (another process or another batch).
    ///
    /// ```
    /// delta = mean_b - mean_a
    /// mean  = mean_a + delta * n_b / n
    /// M2    = var_a * n_a + var_b * n_b + delta^2 * n_a * n_b / n
    /// ```
    public mutating func merge(_ other: RunningMeanVariance) {
        guard !isFrozen else { return }
        precondition(other.dimension == dimension, "merging \(other.dimension) into \(dimension)")
        let total = count + other.count
        for j in 0..<dimension {
            let delta = other.mean[j] - mean[j]
            let m2 = variance[j] * count + other.variance[j] * other.count
                + delta * delta * count * other.count / total
            mean[j] += delta * other.count / total
            variance[j] = m2 / total
        }
        count = total
    }

    /// Returns `clip((x - mean) / sqrt(variance + epsilon), -clip, clip)` per component.
    public func normalize(_ x: [Double], clip: Double = 10, epsilon: Double = 1e-8) -> [Double] {
        precondition(x.count == dimension, "vector of \(x.count) for \(dimension)")
        return (0..<dimension).map { j in
            let z = (x[j] - mean[j]) / (variance[j] + epsilon).squareRoot()
            return min(max(z, -clip), clip)
        }
    }
}
