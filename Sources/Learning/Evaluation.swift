import Environments
import Numerics

/// The raw returns of a policy on one context.
public struct EvaluationResult: Codable, Equatable, Sendable {
    /// The undiscounted return of each episode.
    public let returns: [Double]

    /// The mean return.
    public var mean: Double { returns.reduce(0, +) / Double(max(returns.count, 1)) }

    /// The population standard deviation of the returns.
    public var standardDeviation: Double {
        let mean = self.mean
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            / Double(max(returns.count, 1))
        return variance.squareRoot()
    }

    /// The number of episodes.
    public var episodes: Int { returns.count }
}

/// Zero-shot evaluation of a trained policy on any set of contexts.
public enum PolicyEvaluation {
    /// Runs `episodes` episodes on each context, all vectorized in one batch of
    /// `contexts.count * episodes` copies, and reports raw environment returns.
    ///
    /// Observation statistics are frozen: evaluation never changes them. Copies whose episode
    /// is over keep stepping until every copy has finished once, but only their first episode
    /// counts.
    ///
    /// - Parameters:
    ///   - policy: the networks to act with.
    ///   - pipeline: the training pipeline (normalisation statistics); its per-copy context
    ///     features are replaced by `contextFeatures`.
    ///   - makeEnvironment: builds the copies for the given contexts and seed.
    ///   - contextFeatures: per context, the scaled context appended to observations, or empty
    ///     when the policy does not see the context.
    ///   - deterministic: act with the mode instead of sampling.
    /// - Returns: one result per context, in order.
    public static func evaluate(
        policy: ActorCritic, pipeline: ObservationPipeline, contexts: [Context],
        contextFeatures: [[Float]] = [], episodes: Int, deterministic: Bool, seed: UInt64,
        makeEnvironment: ([Context], UInt64) -> any VectorEnvironment
    ) -> [EvaluationResult] {
        precondition(episodes >= 1, "evaluation needs at least one episode")
        let copyContexts = contexts.flatMap { Array(repeating: $0, count: episodes) }
        let environment = makeEnvironment(copyContexts, seed)
        var frozen = pipeline
        frozen.isFrozen = true
        frozen.contextFeatures = contextFeatures.isEmpty
            ? [] : contextFeatures.flatMap { Array(repeating: $0, count: episodes) }
        var rng = RandomStream(seed: seed).child("evaluation-actions")
        var observations = environment.reset()
        var outcome = VectorStep(count: copyContexts.count,
                                 observationSize: environment.observationSize)
        var returns = [Double](repeating: 0, count: copyContexts.count)
        var done = [Bool](repeating: false, count: copyContexts.count)
        var remaining = copyContexts.count
        while remaining > 0 {
            let inputs = frozen.inputs(observations)
            let (actions, _) = policy.act(inputs, deterministic: deterministic, rng: &rng)
            environment.step(clipped(actions, to: environment), into: &outcome)
            for copy in 0..<copyContexts.count where !done[copy] {
                returns[copy] += outcome.rewards[copy]
                if outcome.terminated[copy] || outcome.truncated[copy] {
                    done[copy] = true
                    remaining -= 1
                }
            }
            observations = outcome.observations
        }
        return (0..<contexts.count).map { index in
            EvaluationResult(returns: Array(returns[(index * episodes)..<((index + 1) * episodes)]))
        }
    }

    /// Gaussian actions clipped to each copy's bounds; discrete actions unchanged.
    static func clipped(_ actions: Matrix<Double>, to environment: any VectorEnvironment)
        -> [Double]
    {
        guard case .box(let dimension) = environment.actionSpace else { return actions.storage }
        var result = actions.storage
        for copy in 0..<environment.count {
            let bounds = environment.actionBounds(copy: copy)
            for j in 0..<dimension {
                result[copy * dimension + j] = min(
                    max(result[copy * dimension + j], bounds.lower[j]), bounds.upper[j])
            }
        }
        return result
    }
}
