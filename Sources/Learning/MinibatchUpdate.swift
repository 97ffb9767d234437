import Foundation
import Numerics

/// The loss terms and diagnostics of gradient steps, for logging: one step's, or the mean
/// over the last epoch's minibatches.
package struct UpdateStatistics {
    /// The total loss `L_policy - c_entropy H + c_value L_value`.
    package var loss = 0.0
    package var policyLoss = 0.0
    package var valueLoss = 0.0
    package var entropy = 0.0
    package var approximateKL = 0.0
    package var clipFraction = 0.0
    package var gradientNorm = 0.0

    package init() {}

    package mutating func add(_ other: UpdateStatistics) {
        loss += other.loss
        policyLoss += other.policyLoss
        valueLoss += other.valueLoss
        entropy += other.entropy
        approximateKL += other.approximateKL
        clipFraction += other.clipFraction
        gradientNorm += other.gradientNorm
    }

    /// Divides every term by `count`, the number of steps added.
    package func averaged(over count: Int) -> UpdateStatistics {
        var mean = UpdateStatistics()
        let n = Double(max(count, 1))
        mean.loss = loss / n
        mean.policyLoss = policyLoss / n
        mean.valueLoss = valueLoss / n
        mean.entropy = entropy / n
        mean.approximateKL = approximateKL / n
        mean.clipFraction = clipFraction / n
        mean.gradientNorm = gradientNorm / n
        return mean
    }
}

/// The policy objective of one minibatch, the clipped surrogate minus the entropy bonus, and
/// its gradient with respect to the new log-probabilities and entropies:
///
/// ```
/// r_i      = exp(log pi(a_i | s_i) - log pi_old(a_i | s_i))
/// L_policy = -mean(min(r_i A_i, clip(r_i, 1 - eps, 1 + eps) A_i))
/// L        = L_policy - c_entropy mean(H_i)
/// ```
package struct PolicyObjective {
    /// The policy terms: `policyLoss`, `entropy`, `approximateKL` and `clipFraction`.
    package private(set) var statistics = UpdateStatistics()
    /// `dL / dlog pi(a_i | s_i)` for each sample.
    package private(set) var logProbabilityWeights: [Double]
    /// `dL / dH_i` for each sample.
    package let entropyWeights: [Double]

    /// Evaluates the objective, normalising `advantages` per minibatch first.
    package init(
        logProbabilities: [Double], entropies: [Double], oldLogProbabilities: [Double],
        advantages: [Double], clipRange: Double, entropyCoefficient: Double
    ) {
        let count = Double(logProbabilities.count)
        let advantages = normalizedAdvantages(advantages)
        logProbabilityWeights = [Double](repeating: 0, count: logProbabilities.count)
        entropyWeights = [Double](
            repeating: -entropyCoefficient / count, count: logProbabilities.count)
        for k in logProbabilities.indices {
            let logRatio = logProbabilities[k] - oldLogProbabilities[k]
            let ratio = exp(logRatio)
            let advantage = advantages[k]
            let unclipped = ratio * advantage
            let clipped = min(max(ratio, 1 - clipRange), 1 + clipRange) * advantage
            statistics.policyLoss -= min(unclipped, clipped) / count
            // The gradient flows through the unclipped term whenever min selects it or the
            // ratio lies inside the clip range (where both terms are equal).
            let insideRange = abs(ratio - 1) <= clipRange
            if unclipped <= clipped || insideRange {
                logProbabilityWeights[k] = -advantage * ratio / count
            }
            if !insideRange { statistics.clipFraction += 1 / count }
            statistics.approximateKL += ((ratio - 1) - logRatio) / count
        }
        statistics.entropy = entropies.reduce(0, +) / count
    }
}

/// The value loss of one minibatch and its gradient with respect to the predicted values:
///
/// ```
/// L_value = mean((V(s_i) - R_i)^2), or with clipping the larger of that and
///           mean((V_old + clip(V - V_old, -eps_v, eps_v) - R_i)^2) per sample
/// ```
package struct ValueLoss {
    /// `L_value`.
    package private(set) var loss = 0.0
    /// `c_value dL_value / dV(s_i)`, one row per sample, ready for the critic's backward pass.
    package private(set) var gradient: Matrix<Float>

    /// Evaluates the loss of `predicted` (one value per row) against `targets`.
    ///
    /// - Parameters:
    ///   - oldValues: the values at collection time, read only when `clipRange` is set.
    ///   - coefficient: `c_value`, which scales the gradient but not `loss`.
    package init(
        predicted: Matrix<Float>, targets: [Double], oldValues: [Double], clipRange: Double?,
        coefficient: Double
    ) {
        let count = Double(targets.count)
        gradient = Matrix<Float>(rows: targets.count, columns: 1)
        for k in targets.indices {
            let value = Double(predicted.storage[k])
            let target = targets[k]
            var error = value - target
            if let clipRange {
                let old = oldValues[k]
                let clippedValue = old + min(max(value - old, -clipRange), clipRange)
                let clippedError = clippedValue - target
                if clippedError * clippedError > error * error {
                    error = clippedError
                    // The clipped branch has zero gradient once the change is clipped.
                    if abs(value - old) > clipRange { error = 0 }
                }
                loss += max((value - target) * (value - target), clippedError * clippedError)
                    / count
            } else {
                loss += error * error / count
            }
            gradient.storage[k] = Float(coefficient * 2 * error / count)
        }
    }
}

/// Returns `(x - mean) / (std + 1e-8)` with the unbiased standard deviation, as
/// Stable-Baselines3 normalises advantages per minibatch.
func normalizedAdvantages(_ values: [Double]) -> [Double] {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        / Double(max(values.count - 1, 1))
    let scale = variance.squareRoot() + 1e-8
    return values.map { ($0 - mean) / scale }
}

/// Runs `configuration.epochs` passes over a batch of `configuration.batchSize` samples in a
/// fresh random order each, calling `step` with the indices of every minibatch, and returns
/// the mean statistics of the last epoch.
///
/// A trailing minibatch of one sample is skipped, because it has no advantage spread to
/// normalise by.
package func runEpochs(
    _ configuration: PPOConfiguration, stream: inout RandomStream,
    step: ([Int]) throws -> UpdateStatistics
) rethrows -> UpdateStatistics {
    let batchSize = configuration.batchSize
    let minibatchSize = min(configuration.minibatchSize, batchSize)
    var statistics = UpdateStatistics()
    for epoch in 0..<configuration.epochs {
        let order = stream.permutation(batchSize)
        var epochStatistics = UpdateStatistics()
        var minibatches = 0
        for start in stride(from: 0, to: batchSize, by: minibatchSize) {
            let indices = Array(order[start..<min(start + minibatchSize, batchSize)])
            if indices.count < 2 { continue }
            epochStatistics.add(try step(indices))
            minibatches += 1
        }
        if epoch == configuration.epochs - 1 {
            statistics = epochStatistics.averaged(over: minibatches)
        }
    }
    return statistics
}
