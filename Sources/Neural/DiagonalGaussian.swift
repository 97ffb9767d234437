import Foundation
import Numerics

/// A batch of Gaussians with diagonal covariance: a mean per sample and a log standard
/// deviation shared across the batch (state-independent, as in PPO for continuous control).
///
/// The log standard deviation is clamped to `[minLogStd, maxLogStd]` = [-20, 2]. Without a
/// lower clamp, a log standard deviation of -104 gives a standard deviation of exactly 0 in
/// Float32, and the log-probability becomes NaN. Where the clamp is active, the gradient with
/// respect to the log standard deviation is 0.
public struct DiagonalGaussian {
    /// The smallest log standard deviation used.
    public static let minLogStd = -20.0
    /// The largest log standard deviation used.
    public static let maxLogStd = 2.0
    static let logSqrtTwoPi = 0.5 * log(2 * Double.pi)

    /// The means, `batch x dimension`.
    public let mean: Matrix<Float>
    /// The log standard deviations as given, one per dimension (before clamping).
    public let rawLogStd: [Float]

    public init(mean: Matrix<Float>, logStd: [Float]) {
        precondition(logStd.count == mean.columns, "\(logStd.count) log stds for \(mean.columns)")
        self.mean = mean
        self.rawLogStd = logStd
    }

    public var batchSize: Int { mean.rows }
    public var dimension: Int { mean.columns }

    /// Returns the clamped log standard deviation of dimension `j`.
    public func logStd(_ j: Int) -> Double {
        min(max(Double(rawLogStd[j]), Self.minLogStd), Self.maxLogStd)
    }

    /// Returns whether the clamp changes dimension `j`, which zeroes its gradient.
    func isClamped(_ j: Int) -> Bool {
        let value = Double(rawLogStd[j])
        return value < Self.minLogStd || value > Self.maxLogStd
    }

    /// Computes the log-density of each row of `actions` (`batch x dimension`), summed over dimensions:
    /// `sum_j -(a_j - mu_j)^2 / (2 sigma_j^2) - log sigma_j - log sqrt(2 pi)`.
    public func logProbability(of actions: Matrix<Double>) -> [Double] {
        precondition(actions.rows == batchSize && actions.columns == dimension)
        return (0..<batchSize).map { i in
            (0..<dimension).reduce(0.0) { total, j in
                let logSigma = logStd(j)
                let z = (actions[i, j] - Double(mean[i, j])) / exp(logSigma)
                return total - 0.5 * z * z - logSigma - Self.logSqrtTwoPi
            }
        }
    }

    /// Computes the entropy of each distribution: `sum_j (0.5 + log sqrt(2 pi) + log sigma_j)`.
    public func entropy() -> [Double] {
        let value = (0..<dimension).reduce(0.0) { $0 + 0.5 + Self.logSqrtTwoPi + logStd($1) }
        return Array(repeating: value, count: batchSize)
    }

    /// Draws one sample per row, `mu + sigma * N(0, 1)`, in double precision.
    public func sample(rng: inout RandomStream) -> Matrix<Double> {
        var result = Matrix<Double>(rows: batchSize, columns: dimension)
        for i in 0..<batchSize {
            for j in 0..<dimension {
                result[i, j] = Double(mean[i, j]) + exp(logStd(j)) * rng.normal()
            }
        }
        return result
    }

    /// Returns the means as actions (the deterministic mode).
    public func mode() -> Matrix<Double> {
        Matrix(rows: batchSize, columns: dimension, storage: mean.storage.map(Double.init))
    }

    /// Computes the gradients of
    /// `sum_i logProbabilityWeights[i] * log p_i(a_i) + entropyWeights[i] * H_i`
    /// with respect to the means and the (raw) log standard deviations.
    ///
    /// ```
    /// d log p / d mu_j        = (a_j - mu_j) / sigma_j^2
    /// d log p / d log sigma_j = (a_j - mu_j)^2 / sigma_j^2 - 1
    /// d H / d log sigma_j     = 1
    /// ```
    public func gradients(
        actions: Matrix<Double>, logProbabilityWeights: [Double], entropyWeights: [Double]
    ) -> (mean: Matrix<Float>, logStd: [Float]) {
        var meanGradient = Matrix<Float>(rows: batchSize, columns: dimension)
        var logStdGradient = [Double](repeating: 0, count: dimension)
        for i in 0..<batchSize {
            for j in 0..<dimension {
                let variance = exp(2 * logStd(j))
                let difference = actions[i, j] - Double(mean[i, j])
                meanGradient[i, j] = Float(logProbabilityWeights[i] * difference / variance)
                logStdGradient[j] += logProbabilityWeights[i]
                    * (difference * difference / variance - 1) + entropyWeights[i]
            }
        }
        let clampedGradient = (0..<dimension).map { isClamped($0) ? 0 : Float(logStdGradient[$0]) }
        return (meanGradient, clampedGradient)
    }
}
