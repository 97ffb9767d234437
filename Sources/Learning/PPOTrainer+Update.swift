import Foundation
import Neural
import Numerics

/// Means over the last epoch's minibatches, for logging.
struct UpdateStatistics {
    /// The total loss `L_policy - c_entropy H + c_value L_value`.
    var loss = 0.0
    var policyLoss = 0.0
    var valueLoss = 0.0
    var entropy = 0.0
    var approximateKL = 0.0
    var clipFraction = 0.0
    var gradientNorm = 0.0
}

extension PPOTrainer {
    /// Runs `epochs` passes of shuffled minibatch gradient steps on one rollout.
    func optimize(
        buffer: RolloutBuffer, advantages: [Double], returns: [Double], clipRange: Double
    ) throws -> UpdateStatistics {
        let batchSize = configuration.batchSize
        let minibatchSize = min(configuration.minibatchSize, batchSize)
        var statistics = UpdateStatistics()
        for epoch in 0..<configuration.epochs {
            let order = minibatchStream.permutation(batchSize)
            var epochStatistics = UpdateStatistics()
            var minibatches = 0
            for start in stride(from: 0, to: batchSize, by: minibatchSize) {
                let indices = Array(order[start..<min(start + minibatchSize, batchSize)])
                // A minibatch of one sample has no advantage spread to normalise by.
                if indices.count < 2 { continue }
                let minibatch = try step(
                    indices: indices, buffer: buffer, advantages: advantages, returns: returns,
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

    /// One gradient step on the samples at `indices`.
    ///
    /// ```
    /// r_i       = exp(log pi(a_i | s_i) - log pi_old(a_i | s_i))
    /// L_policy  = -mean(min(r_i A_i, clip(r_i, 1 - eps, 1 + eps) A_i))
    /// L_value   = mean((V(s_i) - R_i)^2), or with clipping the larger of that and
    ///             mean((V_old + clip(V - V_old, -eps_v, eps_v) - R_i)^2) per sample
    /// L         = L_policy - c_entropy mean(H_i) + c_value L_value
    /// ```
    func step(
        indices: [Int], buffer: RolloutBuffer, advantages: [Double], returns: [Double],
        clipRange: Double
    ) throws -> UpdateStatistics {
        var statistics = lossGradients(
            indices: indices, buffer: buffer, advantages: advantages, returns: returns,
            clipRange: clipRange)

        // Check, clip and apply.
        guard statistics.loss.isFinite else {
            throw TrainingError.nonFinite(update: updates + 1, quantity: "loss")
        }
        statistics.gradientNorm = clipGradientNorm(
            policy.parameters, maxNorm: configuration.maxGradientNorm)
        guard statistics.gradientNorm.isFinite else {
            throw TrainingError.nonFinite(update: updates + 1, quantity: "gradient norm")
        }
        let backup = policy.parameters.map(\.value)
        optimizer.step()
        if let bad = policy.parameters.first(where: { !$0.value.isFinite }) {
            for (parameter, value) in zip(policy.parameters, backup) { parameter.value = value }
            throw TrainingError.nonFinite(update: updates + 1, quantity: "parameter \(bad.name)")
        }
        return statistics
    }

    /// Computes the PPO loss on the samples at `indices` and leaves its gradient in every
    /// parameter's `gradient` (zeroed first); the statistics carry the loss terms.
    ///
    /// The actor's and the critic's parts share no parameter, so with a `worker` they run at
    /// once, each on its own thread. The results are the same as on one thread.
    func lossGradients(
        indices: [Int], buffer: RolloutBuffer, advantages: [Double], returns: [Double],
        clipRange: Double
    ) -> UpdateStatistics {
        let inputs = buffer.inputs.gatherRows(indices)
        policy.zeroGradients()
        var statistics = UpdateStatistics()
        var valueLoss = 0.0
        let policyPart = {
            statistics = self.policyGradients(
                inputs: inputs, indices: indices, buffer: buffer, advantages: advantages,
                clipRange: clipRange)
        }
        let valuePart = {
            valueLoss = self.valueGradients(
                inputs: inputs, indices: indices, buffer: buffer, returns: returns)
        }
        if let worker {
            worker.runBoth(policyPart, valuePart)
        } else {
            policyPart()
            valuePart()
        }
        statistics.valueLoss = valueLoss
        statistics.loss = statistics.policyLoss
            - configuration.entropyCoefficient * statistics.entropy
            + configuration.valueCoefficient * valueLoss
        return statistics
    }

    /// Computes the clipped policy loss and the entropy bonus, leaves their gradient in the
    /// actor (and the log standard deviation), and returns the policy terms of the statistics.
    func policyGradients(
        inputs: Matrix<Float>, indices: [Int], buffer: RolloutBuffer, advantages: [Double],
        clipRange: Double
    ) -> UpdateStatistics {
        let count = Double(indices.count)
        let actions = buffer.actions.gatherRows(indices)
        let normalizedAdvantages = normalize(indices.map { advantages[$0] })
        var statistics = UpdateStatistics()
        let evaluation = policy.evaluateActions(inputs, actions: actions)
        var logProbabilityWeights = [Double](repeating: 0, count: indices.count)
        for (k, index) in indices.enumerated() {
            let logRatio = evaluation.logProbabilities[k] - buffer.logProbabilities[index]
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
        evaluation.backward(logProbabilityWeights, entropyWeights)
        return statistics
    }

    /// Computes the value loss, leaves its gradient (times the value coefficient) in the
    /// critic, and returns the loss.
    func valueGradients(
        inputs: Matrix<Float>, indices: [Int], buffer: RolloutBuffer, returns: [Double]
    ) -> Double {
        let count = Double(indices.count)
        let predicted = policy.critic.forward(inputs)
        var valueLoss = 0.0
        var valueGradient = Matrix<Float>(rows: indices.count, columns: 1)
        for (k, index) in indices.enumerated() {
            let value = Double(predicted.storage[k])
            let target = returns[index]
            var error = value - target
            if let valueClip = configuration.valueClipRange {
                let old = buffer.values[index]
                let clippedValue = old + min(max(value - old, -valueClip), valueClip)
                let clippedError = clippedValue - target
                if clippedError * clippedError > error * error {
                    error = clippedError
                    // The clipped branch has zero gradient once the change is clipped.
                    if abs(value - old) > valueClip { error = 0 }
                }
                valueLoss += max(
                    (value - target) * (value - target), clippedError * clippedError) / count
            } else {
                valueLoss += error * error / count
            }
            valueGradient.storage[k] = Float(configuration.valueCoefficient * 2 * error / count)
        }
        _ = policy.critic.backward(valueGradient)
        return valueLoss
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

extension UpdateStatistics {
    mutating func add(_ other: UpdateStatistics) {
        loss += other.loss
        policyLoss += other.policyLoss
        valueLoss += other.valueLoss
        entropy += other.entropy
        approximateKL += other.approximateKL
        clipFraction += other.clipFraction
        gradientNorm += other.gradientNorm
    }

    func averaged(over count: Int) -> UpdateStatistics {
        let n = Double(max(count, 1))
        return UpdateStatistics(
            loss: loss / n, policyLoss: policyLoss / n, valueLoss: valueLoss / n, entropy: entropy / n,
            approximateKL: approximateKL / n, clipFraction: clipFraction / n,
            gradientNorm: gradientNorm / n)
    }
}
