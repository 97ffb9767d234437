import Foundation
import Neural
import Numerics

extension PPOTrainer {
    /// Runs `epochs` passes of shuffled minibatch gradient steps on one rollout.
    func optimize(
        buffer: RolloutBuffer, advantages: [Double], returns: [Double], clipRange: Double
    ) throws -> UpdateStatistics {
        try runEpochs(
            configuration, stream: &minibatchStream,
            step: { indices in
                try step(
                    indices: indices, buffer: buffer, advantages: advantages, returns: returns,
                    clipRange: clipRange)
            })
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
        let policyPart = {
            self.policyGradients(
                inputs: inputs, indices: indices, buffer: buffer, advantages: advantages,
                clipRange: clipRange)
        }
        let valuePart = {
            self.valueGradients(inputs: inputs, indices: indices, buffer: buffer, returns: returns)
        }
        var (statistics, valueLoss) = worker?.runBoth(policyPart, valuePart)
            ?? (policyPart(), valuePart())
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
        let evaluation = policy.evaluateActions(
            inputs, actions: buffer.actions.gatherRows(indices))
        let objective = PolicyObjective(
            logProbabilities: evaluation.logProbabilities, entropies: evaluation.entropies,
            oldLogProbabilities: indices.map { buffer.logProbabilities[$0] },
            advantages: indices.map { advantages[$0] }, clipRange: clipRange,
            entropyCoefficient: configuration.entropyCoefficient)
        evaluation.backward(objective.logProbabilityWeights, objective.entropyWeights)
        return objective.statistics
    }

    /// Computes the value loss, leaves its gradient (times the value coefficient) in the
    /// critic, and returns the loss.
    func valueGradients(
        inputs: Matrix<Float>, indices: [Int], buffer: RolloutBuffer, returns: [Double]
    ) -> Double {
        let valueLoss = ValueLoss(
            predicted: policy.critic.forward(inputs), targets: indices.map { returns[$0] },
            oldValues: indices.map { buffer.values[$0] }, clipRange: configuration.valueClipRange,
            coefficient: configuration.valueCoefficient)
        _ = policy.critic.backward(valueLoss.gradient)
        return valueLoss.loss
    }
}
