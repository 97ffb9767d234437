import Environments
import Neural
import Numerics

/// Separate actor and critic MLPs, as PPO uses by default, plus a state-independent log
/// standard deviation for Gaussian policies.
///
/// Discrete action spaces get a categorical policy over the actor's logits; box action spaces
/// get a diagonal Gaussian whose mean is the actor's output. Orthogonal initialisation follows
/// the PPO convention: gain sqrt(2) for hidden layers, 0.01 for the policy head, 1 for the
/// value head, zero biases.
public final class ActorCritic: ParameterOwner {
    /// The action space the policy acts in.
    public let actionSpace: ActionSpace
    /// The observation width the networks take (after any appended context).
    public let inputSize: Int
    /// Observations to logits (discrete) or to Gaussian means (box).
    public let actor: MLP
    /// Observations to state values.
    public let critic: MLP
    /// The Gaussian's log standard deviation, `1 x dimension`; nil for discrete actions.
    public let logStd: Parameter?

    /// Creates and initialises the networks from `rng`.
    public init(
        inputSize: Int, actionSpace: ActionSpace, hiddenWidths: [Int], activation: Activation,
        initialLogStd: Double, rng: inout RandomStream
    ) {
        self.actionSpace = actionSpace
        self.inputSize = inputSize
        let outputs: Int
        switch actionSpace {
        case .discrete(let count):
            outputs = count
            logStd = nil
        case .box(let dimension):
            outputs = dimension
            logStd = Parameter(
                name: "policy.log_std",
                value: Matrix(rows: 1, columns: dimension, repeating: Float(initialLogStd)))
        }
        actor = MLP(widths: [inputSize] + hiddenWidths + [outputs], activation: activation,
                    name: "policy.actor")
        critic = MLP(widths: [inputSize] + hiddenWidths + [1], activation: activation,
                     name: "policy.critic")
        Initialization.orthogonal(actor, outputGain: 0.01, rng: &rng)
        Initialization.orthogonal(critic, outputGain: 1, rng: &rng)
    }

    public var parameters: [Parameter] {
        actor.parameters + critic.parameters + (logStd.map { [$0] } ?? [])
    }

    /// The state values of a batch of observations, one per row.
    public func values(_ observations: Matrix<Float>) -> [Double] {
        critic.forward(observations).storage.map(Double.init)
    }

    /// Chooses actions for a batch of observations.
    ///
    /// - Parameters:
    ///   - deterministic: take the mode (argmax or mean) instead of sampling.
    /// - Returns: the raw actions (`batch x actionSpace.width`, unclipped) and their
    ///   log-probabilities under the current policy.
    public func act(
        _ observations: Matrix<Float>, deterministic: Bool, rng: inout RandomStream
    ) -> (actions: Matrix<Double>, logProbabilities: [Double]) {
        let output = actor.forward(observations)
        switch actionSpace {
        case .discrete:
            let distribution = Categorical(logits: output)
            let chosen = deterministic ? distribution.mode() : distribution.sample(rng: &rng)
            let actions = Matrix(rows: chosen.count, columns: 1, storage: chosen.map(Double.init))
            return (actions, distribution.logProbability(of: chosen))
        case .box:
            let distribution = DiagonalGaussian(mean: output, logStd: logStd!.value.storage)
            let actions = deterministic ? distribution.mode() : distribution.sample(rng: &rng)
            return (actions, distribution.logProbability(of: actions))
        }
    }
}

// MARK: - Log-probabilities with gradients

extension ActorCritic {
    /// The policy's log-probabilities and entropies of `actions` for a minibatch, with a
    /// closure that back-propagates loss weights through the actor.
    ///
    /// Call `backward(logProbabilityWeights, entropyWeights)` with `dLoss/dlogp_i` and
    /// `dLoss/dH_i`; it accumulates gradients into the actor and `logStd`.
    func evaluateActions(_ observations: Matrix<Float>, actions: Matrix<Double>) -> (
        logProbabilities: [Double], entropies: [Double],
        backward: (_ logProbabilityWeights: [Double], _ entropyWeights: [Double]) -> Void
    ) {
        let output = actor.forward(observations)
        switch actionSpace {
        case .discrete:
            let distribution = Categorical(logits: output)
            let chosen = actions.storage.map { Int($0) }
            let entropies = distribution.entropy()
            return (
                distribution.logProbability(of: chosen), entropies,
                { weights, entropyWeights in
                    let gradient = distribution.logitGradient(
                        actions: chosen, logProbabilityWeights: weights,
                        entropyWeights: entropyWeights, entropies: entropies)
                    _ = self.actor.backward(gradient)
                }
            )
        case .box:
            let logStd = self.logStd!
            let distribution = DiagonalGaussian(mean: output, logStd: logStd.value.storage)
            return (
                distribution.logProbability(of: actions), distribution.entropy(),
                { weights, entropyWeights in
                    let gradients = distribution.gradients(
                        actions: actions, logProbabilityWeights: weights,
                        entropyWeights: entropyWeights)
                    _ = self.actor.backward(gradients.mean)
                    for j in 0..<gradients.logStd.count {
                        logStd.gradient.storage[j] += gradients.logStd[j]
                    }
                }
            )
        }
    }
}
