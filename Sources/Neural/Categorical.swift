import Foundation
import Numerics

/// A batch of categorical distributions given by unnormalised logits, one row per sample.
///
/// Probabilities use the max-shifted softmax so that large logits do not overflow:
/// `log p_k = z_k - max(z) - log(sum_j exp(z_j - max(z)))`.
public struct Categorical {
    /// The log-probabilities, `batch x classes`, in double precision.
    public let logProbabilities: Matrix<Double>
    /// `exp` of `logProbabilities`, computed once for sampling, entropies and gradients.
    let probabilities: Matrix<Double>

    /// Creates the distributions from logits of shape `batch x classes`.
    public init(logits: Matrix<Float>) {
        let (rows, columns) = (logits.rows, logits.columns)
        var logProbabilities = Matrix<Double>(rows: rows, columns: columns)
        for i in 0..<rows {
            var shift = columns > 0 ? Double(logits[i, 0]) : 0
            for j in 1..<max(columns, 1) where shift < Double(logits[i, j]) {
                shift = Double(logits[i, j])
            }
            var sum = 0.0
            for j in 0..<columns { sum += exp(Double(logits[i, j]) - shift) }
            let logSum = log(sum) + shift
            for j in 0..<columns { logProbabilities[i, j] = Double(logits[i, j]) - logSum }
        }
        self.logProbabilities = logProbabilities
        probabilities = logProbabilities.map { exp($0) }
    }

    /// The number of distributions.
    public var batchSize: Int { logProbabilities.rows }
    /// The number of classes.
    public var classCount: Int { logProbabilities.columns }

    /// Returns the probability of class `k` in distribution `i`.
    public func probability(_ i: Int, _ k: Int) -> Double {
        probabilities[i, k]
    }

    /// Returns the log-probability of `actions[i]` under distribution `i`.
    public func logProbability(of actions: [Int]) -> [Double] {
        precondition(actions.count == batchSize, "\(actions.count) actions for \(batchSize)")
        return actions.enumerated().map { logProbabilities[$0.offset, $0.element] }
    }

    /// Computes the entropy `-sum_k p_k log p_k` of each distribution.
    public func entropy() -> [Double] {
        (0..<batchSize).map { i in
            -(0..<classCount).reduce(0.0) { total, k in
                let logP = logProbabilities[i, k]
                return total + (logP == -.infinity ? 0 : probabilities[i, k] * logP)
            }
        }
    }

    /// Draws one sample from each distribution.
    public func sample(rng: inout RandomStream) -> [Int] {
        (0..<batchSize).map { i in
            rng.categorical(weights: (0..<classCount).map { probability(i, $0) })
        }
    }

    /// Returns the most likely class of each distribution (the first on ties).
    public func mode() -> [Int] {
        logProbabilities.rowArgmax()
    }

    /// Computes the gradient with respect to the logits of
    /// `sum_i logProbabilityWeights[i] * log p_i(actions[i]) + entropyWeights[i] * H_i`.
    ///
    /// ```
    /// d log p(a) / d z_k = 1[k = a] - p_k
    /// d H / d z_k        = -p_k (log p_k + H)
    /// ```
    ///
    /// - Parameter entropies: `entropy()` when the caller has it already.
    public func logitGradient(
        actions: [Int], logProbabilityWeights: [Double], entropyWeights: [Double],
        entropies: [Double]? = nil
    ) -> Matrix<Float> {
        let entropies = entropies ?? entropy()
        var gradient = Matrix<Float>(rows: batchSize, columns: classCount)
        for i in 0..<batchSize {
            for k in 0..<classCount {
                let logP = logProbabilities[i, k]
                let p = probabilities[i, k]
                let indicator: Double = k == actions[i] ? 1 : 0
                let entropyTerm = p == 0 ? 0 : -p * (logP + entropies[i])
                gradient[i, k] = Float(
                    logProbabilityWeights[i] * (indicator - p) + entropyWeights[i] * entropyTerm)
            }
        }
        return gradient
    }
}
