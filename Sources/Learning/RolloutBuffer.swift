import Numerics

/// One rollout of `steps x copies` transitions, stored step-major (`index = t * copies + i`).
///
/// `actions` holds the raw sampled actions: for Gaussian policies, before they are clipped
/// to the action bounds, so that `logProbabilities` and the actions agree.
struct RolloutBuffer {
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

    /// Stores the rows of one step for every copy.
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

    /// Stores the outcome of one step for every copy.
    mutating func storeOutcome(
        step t: Int, rewards stepRewards: [Double], terminated stepTerminated: [Bool],
        truncated stepTruncated: [Bool], finalValues stepFinalValues: [Double]
    ) {
        let range = (t * copies)..<((t + 1) * copies)
        rewards.replaceSubrange(range, with: stepRewards)
        terminated.replaceSubrange(range, with: stepTerminated)
        truncated.replaceSubrange(range, with: stepTruncated)
        finalValues.replaceSubrange(range, with: stepFinalValues)
    }
}
