/// Generalized advantage estimation (Schulman et al., 2016) over a rollout of `steps` time
/// steps and `copies` environment copies, stored step-major (`index = t * copies + i`).
///
/// `terminated` and `truncated` stay separate all the way here, because they mean different
/// things for the value target:
///
/// ```
/// next value  = 0                          if terminated[t]          (termination wins)
///             = V(final observation)       if truncated[t]           (cut by the time limit)
///             = V(observation at t + 1)    otherwise
/// delta_t     = r_t + gamma * next value - V(s_t)
/// A_t         = delta_t + gamma * lambda * A_{t+1},  with A_{t+1} = 0 after any episode end
/// return_t    = A_t + V(s_t)
/// ```
///
/// A merged `done = terminated || truncated` flag would replace the bootstrap at a time limit
/// with 0, biasing every value near the limit; bootstrapping from the observation after the
/// automatic reset would mix in a different episode.
public struct GeneralizedAdvantage {
    /// The discount factor gamma.
    public var gamma: Double
    /// The GAE parameter lambda.
    public var lambda: Double

    public init(gamma: Double, lambda: Double) {
        self.gamma = gamma
        self.lambda = lambda
    }

    /// Computes advantages and value targets (returns).
    ///
    /// - Parameters:
    ///   - rewards: the reward of each step, step-major.
    ///   - values: `V(s_t)` of the observation each step started from.
    ///   - terminated: whether step t reached a terminal state.
    ///   - truncated: whether the time limit cut the episode at step t.
    ///   - finalValues: `V(final observation)` for truncated steps; read only where
    ///     `truncated[t] && !terminated[t]`.
    ///   - lastValues: `V` of the observation after the last step, one per copy.
    ///   - copies: the number of environment copies.
    /// - Returns: the advantages and the returns, step-major.
    /// - Complexity: O(steps x copies).
    public func estimate(
        rewards: [Double], values: [Double], terminated: [Bool], truncated: [Bool],
        finalValues: [Double], lastValues: [Double], copies: Int
    ) -> (advantages: [Double], returns: [Double]) {
        let total = rewards.count
        precondition(copies > 0 && total % copies == 0, "rollout of \(total) for \(copies) copies")
        precondition(values.count == total && terminated.count == total, "rollout arrays differ")
        precondition(truncated.count == total && finalValues.count == total, "rollout arrays differ")
        precondition(lastValues.count == copies, "\(lastValues.count) last values for \(copies)")
        let steps = total / copies
        var advantages = [Double](repeating: 0, count: total)
        var returns = [Double](repeating: 0, count: total)
        for copy in 0..<copies {
            var nextAdvantage = 0.0
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let index = t * copies + copy
                let episodeEnded = terminated[index] || truncated[index]
                let nextValue: Double
                if terminated[index] {
                    nextValue = 0
                } else if truncated[index] {
                    nextValue = finalValues[index]
                } else {
                    nextValue = t + 1 < steps ? values[index + copies] : lastValues[copy]
                }
                let delta = rewards[index] + gamma * nextValue - values[index]
                let carried = episodeEnded ? 0 : nextAdvantage
                let advantage = delta + gamma * lambda * carried
                advantages[index] = advantage
                returns[index] = advantage + values[index]
                nextAdvantage = advantage
            }
        }
        return (advantages, returns)
    }
}
