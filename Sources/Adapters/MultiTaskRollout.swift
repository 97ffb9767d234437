import Environments
import Numerics

/// One rollout of `steps x copies` transitions of a multi-task training, stored step-major
/// (`index = t * copies + i`), as `GeneralizedAdvantage` reads it.
///
/// `actions` contains the raw sampled actions: for Gaussian policies, before they are clipped to
/// the action bounds, so that `logProbabilities` and the actions agree.
struct MultiTaskRollout {
    let steps: Int
    let copies: Int
    var inputs: Matrix<Float>
    var actions: Matrix<Double>
    var logProbabilities: [Double]
    var values: [Double]
    var rewards: [Double]
    var terminated: [Bool]
    var truncated: [Bool]
    /// `V(final observation)` where the time limit cut an episode; 0 elsewhere.
    var finalValues: [Double]

    init(steps: Int, copies: Int, inputSize: Int, actionWidth: Int) {
        self.steps = steps
        self.copies = copies
        let total = steps * copies
        inputs = Matrix(rows: total, columns: inputSize)
        actions = Matrix(rows: total, columns: actionWidth)
        logProbabilities = Array(repeating: 0, count: total)
        values = logProbabilities
        rewards = logProbabilities
        finalValues = logProbabilities
        terminated = Array(repeating: false, count: total)
        truncated = terminated
    }

    /// Stores what the policy saw and did at step `t`, one row per copy.
    mutating func store(
        step t: Int, inputs stepInputs: Matrix<Float>, actions stepActions: Matrix<Double>,
        logProbabilities stepLogProbabilities: [Double], values stepValues: [Double]
    ) {
        let start = t * copies
        let inputWidth = inputs.columns
        let actionWidth = actions.columns
        inputs.storage.replaceSubrange(
            (start * inputWidth)..<((start + copies) * inputWidth), with: stepInputs.storage)
        actions.storage.replaceSubrange(
            (start * actionWidth)..<((start + copies) * actionWidth), with: stepActions.storage)
        logProbabilities.replaceSubrange(start..<(start + copies), with: stepLogProbabilities)
        values.replaceSubrange(start..<(start + copies), with: stepValues)
    }

    /// Stores the outcome of step `t` for every copy.
    mutating func storeOutcome(step t: Int, outcome: VectorStep, finalValues stepFinalValues: [Double]) {
        let range = (t * copies)..<((t + 1) * copies)
        rewards.replaceSubrange(range, with: outcome.rewards)
        terminated.replaceSubrange(range, with: outcome.terminated)
        truncated.replaceSubrange(range, with: outcome.truncated)
        finalValues.replaceSubrange(range, with: stepFinalValues)
    }
}

/// Running returns and lengths of each copy's current episode.
struct EpisodeCounter {
    var returns: [Double]
    var lengths: [Int]

    init(copies: Int) {
        returns = Array(repeating: 0, count: copies)
        lengths = Array(repeating: 0, count: copies)
    }

    /// Adds one step's rewards and returns the episodes that ended on it, with their copy.
    mutating func record(_ outcome: VectorStep) -> [(copy: Int, return: Double, length: Int)] {
        var finished: [(copy: Int, return: Double, length: Int)] = []
        for copy in 0..<returns.count {
            returns[copy] += outcome.rewards[copy]
            lengths[copy] += 1
            if outcome.terminated[copy] || outcome.truncated[copy] {
                finished.append((copy, returns[copy], lengths[copy]))
                returns[copy] = 0
                lengths[copy] = 0
            }
        }
        return finished
    }
}
