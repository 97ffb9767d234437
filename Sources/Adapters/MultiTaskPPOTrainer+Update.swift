import Foundation
import Learning
import Neural
import Numerics

/// Means over the last epoch's minibatches, for logging.
struct MultiTaskUpdateStatistics {
    var policyLoss = 0.0
    var valueLoss = 0.0
    var entropy = 0.0
    var approximateKL = 0.0
    var clipFraction = 0.0
    var gradientNorm = 0.0

    mutating func add(_ other: MultiTaskUpdateStatistics) {
        policyLoss += other.policyLoss
        valueLoss += other.valueLoss
        entropy += other.entropy
        approximateKL += other.approximateKL
        clipFraction += other.clipFraction
        gradientNorm += other.gradientNorm
    }

    func averaged(over count: Int) -> MultiTaskUpdateStatistics {
        let n = Double(max(count, 1))
        return MultiTaskUpdateStatistics(
            policyLoss: policyLoss / n, valueLoss: valueLoss / n, entropy: entropy / n,
            approximateKL: approximateKL / n, clipFraction: clipFraction / n,
            gradientNorm: gradientNorm / n)
    }
}

extension MultiTaskPPOTrainer {
    /// Runs `epochs` passes of shuffled minibatch gradient steps on one rollout.
    func optimize(
        rollout: MultiTaskRollout, advantages: [Double], returns: [Double], clipRange: Double
    ) throws -> MultiTaskUpdateStatistics {
        let batchSize = configuration.batchSize
        let minibatchSize = min(configuration.minibatchSize, batchSize)
        var statistics = MultiTaskUpdateStatistics()
        for epoch in 0..<configuration.epochs {
            let order = minibatchStream.permutation(batchSize)
            var epochStatistics = MultiTaskUpdateStatistics()
            var minibatches = 0
            for start in stride(from: 0, to: batchSize, by: minibatchSize) {
                let indices = Array(order[start..<min(start + minibatchSize, batchSize)])
                // A minibatch of one sample has no advantage spread to normalise by.
                if indices.count < 2 { continue }
                let minibatch = try step(
                    indices: indices, rollout: rollout, advantages: advantages, returns: returns,
                    clipRange: clipRange)
                epochStatistics.add(minibatch)
                minibatches += 1
            }
            if epoch == configuration.epochs - 1 {
                statistics = epochStatistics.averaged(over: minibatches)
            }
        }
        return statistics
    }

    /// Takes one gradient step on the samples at `indices`, each routed through its source's
    /// current mixture.
    ///
    /// ```
    /// r_i       = exp(log pi(a_i | s_i, source_i) - log pi_old(a_i | s_i, source_i))
    /// L_policy  = -mean(min(r_i A_i, clip(r_i, 1 - eps, 1 + eps) A_i))
    /// L_value   = mean((V(s_i) - R_i)^2), or with clipping the larger of that and
    ///             mean((V_old + clip(V - V_old, -eps_v, eps_v) - R_i)^2) per sample
    /// L         = L_policy - c_entropy mean(H_i) + c_value L_value
    /// ```
    ///
    /// The gradient reaches the routing logits and the book through each group's mixture.
    func step(
        indices: [Int], rollout: MultiTaskRollout, advantages: [Double], returns: [Double],
        clipRange: Double
    ) throws -> MultiTaskUpdateStatistics {
        let count = Double(indices.count)
        let inputs = rollout.inputs.gatherRows(indices)
        let actions = rollout.actions.gatherRows(indices)
        let normalizedAdvantages = normalize(indices.map { advantages[$0] })
        var statistics = MultiTaskUpdateStatistics()
        policy.zeroGradients()

        // Mixtures from the current parameters, one group of rows per source.
        let mixtures = sourceMixtures()
        let rowSources = indices.map { copySources[$0 % configuration.copies] }
        let (groups, mixtureIndices) = policy.groups(rowMixtures: rowSources, mixtures: mixtures)

        // Policy loss and its gradient with respect to the log-probabilities.
        let evaluation = policy.evaluateActions(inputs, actions: actions, groups: groups)
        var logProbabilityWeights = [Double](repeating: 0, count: indices.count)
        for (k, index) in indices.enumerated() {
            let logRatio = evaluation.logProbabilities[k] - rollout.logProbabilities[index]
            let ratio = exp(logRatio)
            let advantage = normalizedAdvantages[k]
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
        statistics.entropy = evaluation.entropies.reduce(0, +) / count
        let entropyWeights = [Double](
            repeating: -configuration.entropyCoefficient / count, count: indices.count)
        let actorMixtureGradients = evaluation.backward(logProbabilityWeights, entropyWeights)

        // Value loss and its gradient.
        let predicted = policy.critic.forward(inputs, groups: groups)
        var valueGradient = Matrix<Float>(rows: indices.count, columns: 1)
        for (k, index) in indices.enumerated() {
            let value = Double(predicted.storage[k])
            let target = returns[index]
            var error = value - target
            if let valueClip = configuration.valueClipRange {
                let old = rollout.values[index]
                let clippedValue = old + min(max(value - old, -valueClip), valueClip)
                let clippedError = clippedValue - target
                if clippedError * clippedError > error * error {
                    error = clippedError
                    // The clipped branch has zero gradient once the change is clipped.
                    if abs(value - old) > valueClip { error = 0 }
                }
                statistics.valueLoss += max(
                    (value - target) * (value - target), clippedError * clippedError) / count
            } else {
                statistics.valueLoss += error * error / count
            }
            valueGradient.storage[k] = Float(configuration.valueCoefficient * 2 * error / count)
        }
        let criticMixtureGradients = policy.critic.backward(valueGradient).mixtures

        // Routing and book.
        policy.backwardRouting(
            resolved: mixtureIndices.map { mixtures[$0] }, actorGradients: actorMixtureGradients,
            criticGradients: criticMixtureGradients)

        // Check, clip and apply.
        let loss = statistics.policyLoss - configuration.entropyCoefficient * statistics.entropy
            + configuration.valueCoefficient * statistics.valueLoss
        guard loss.isFinite else {
            throw TrainingError.nonFinite(update: updates + 1, quantity: "loss")
        }
        let trained = optimizer.parameters
        statistics.gradientNorm = clipGradientNorm(
            trained, maxNorm: configuration.maxGradientNorm)
        guard statistics.gradientNorm.isFinite else {
            throw TrainingError.nonFinite(update: updates + 1, quantity: "gradient norm")
        }
        let backup = trained.map(\.value)
        optimizer.step()
        if let bad = trained.first(where: { !$0.value.isFinite }) {
            for (parameter, value) in zip(trained, backup) { parameter.value = value }
            throw TrainingError.nonFinite(update: updates + 1, quantity: "parameter \(bad.name)")
        }
        return statistics
    }

    /// `(x - mean) / (std + 1e-8)` with the unbiased standard deviation, as Stable-Baselines3
    /// normalises advantages per minibatch.
    func normalize(_ values: [Double]) -> [Double] {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            / Double(max(values.count - 1, 1))
        let scale = variance.squareRoot() + 1e-8
        return values.map { ($0 - mean) / scale }
    }
}
