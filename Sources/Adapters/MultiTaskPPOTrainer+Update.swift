import Foundation
import Learning
import Neural
import Numerics

extension MultiTaskPPOTrainer {
    /// Runs `epochs` passes of shuffled minibatch gradient steps on one rollout.
    func optimize(
        rollout: MultiTaskRollout, advantages: [Double], returns: [Double], clipRange: Double
    ) throws -> UpdateStatistics {
        try runEpochs(
            configuration, stream: &minibatchStream,
            step: { indices in
                try step(
                    indices: indices, rollout: rollout, advantages: advantages, returns: returns,
                    clipRange: clipRange)
            })
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
    ) throws -> UpdateStatistics {
        let inputs = rollout.inputs.gatherRows(indices)
        policy.zeroGradients()

        // Mixtures from the current parameters, one group of rows per source.
        let mixtures = sourceMixtures()
        let rowSources = indices.map { copySources[$0 % configuration.copies] }
        let (groups, mixtureIndices) = policy.groups(rowMixtures: rowSources, mixtures: mixtures)

        // The actor's and the critic's losses share no parameter before the routing, so
        // with a worker they run at once.
        let policyPart = {
            self.policyGradients(
                inputs: inputs, indices: indices, rollout: rollout, advantages: advantages,
                clipRange: clipRange, groups: groups)
        }
        let valuePart = {
            self.valueGradients(
                inputs: inputs, indices: indices, rollout: rollout, returns: returns,
                groups: groups)
        }
        let (actorPart, criticPart) = worker?.runBoth(policyPart, valuePart)
            ?? (policyPart(), valuePart())
        var statistics = actorPart.statistics
        statistics.valueLoss = criticPart.loss
        let actorMixtureGradients = actorPart.mixtureGradients
        let criticMixtureGradients = criticPart.mixtureGradients

        // Routing and book.
        policy.backwardRouting(
            resolved: mixtureIndices.map { mixtures[$0] }, actorGradients: actorMixtureGradients,
            criticGradients: criticMixtureGradients)

        // Check, clip and apply.
        statistics.loss = statistics.policyLoss
            - configuration.entropyCoefficient * statistics.entropy
            + configuration.valueCoefficient * statistics.valueLoss
        guard statistics.loss.isFinite else {
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

    /// Computes the clipped policy loss and the entropy bonus through the routed actor, and
    /// leaves their gradient in the actor's base and adapters (and the log standard
    /// deviation). Returns the policy terms of the statistics and the gradients of the actor's
    /// mixtures.
    func policyGradients(
        inputs: Matrix<Float>, indices: [Int], rollout: MultiTaskRollout, advantages: [Double],
        clipRange: Double, groups: [RoutedRows]
    ) -> (statistics: UpdateStatistics, mixtureGradients: [[Matrix<Float>]]) {
        let evaluation = policy.evaluateActions(
            inputs, actions: rollout.actions.gatherRows(indices), groups: groups)
        let objective = PolicyObjective(
            logProbabilities: evaluation.logProbabilities, entropies: evaluation.entropies,
            oldLogProbabilities: indices.map { rollout.logProbabilities[$0] },
            advantages: indices.map { advantages[$0] }, clipRange: clipRange,
            entropyCoefficient: configuration.entropyCoefficient)
        let mixtureGradients = evaluation.backward(
            objective.logProbabilityWeights, objective.entropyWeights)
        return (objective.statistics, mixtureGradients)
    }

    /// Computes the value loss through the routed critic, leaves its gradient (times the value
    /// coefficient) in the critic's base and adapters, and returns the loss with the gradients
    /// of the critic's mixtures.
    func valueGradients(
        inputs: Matrix<Float>, indices: [Int], rollout: MultiTaskRollout, returns: [Double],
        groups: [RoutedRows]
    ) -> (loss: Double, mixtureGradients: [[Matrix<Float>]]) {
        let valueLoss = ValueLoss(
            predicted: policy.critic.forward(inputs, groups: groups),
            targets: indices.map { returns[$0] }, oldValues: indices.map { rollout.values[$0] },
            clipRange: configuration.valueClipRange, coefficient: configuration.valueCoefficient)
        return (valueLoss.loss, policy.critic.backward(valueLoss.gradient).mixtures)
    }
}
