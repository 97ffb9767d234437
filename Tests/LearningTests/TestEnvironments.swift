import Environments
import Numerics

/// A one-dimensional environment for learner tests: the state drifts by the action, the reward
/// is `-|state|` (or NaN from step `nanRewardStep` on), and episodes end by time limit.
///
/// It records every action it receives so tests can see what the learner sent.
final class RecordingEnvironment: VectorEnvironment {
    let count: Int
    let observationSize = 1
    let actionSpace: ActionSpace
    let contexts: [Context]
    let timeLimit: Int
    var nanRewardStep: Int?
    var fixedObservation: Float?
    private(set) var receivedActions: [[Double]] = []
    private var states: [Double]
    private var elapsed: [Int]
    private var totalSteps = 0
    private var rng: RandomStream

    init(copies: Int, actionSpace: ActionSpace, timeLimit: Int = 5, seed: UInt64 = 0) {
        count = copies
        self.actionSpace = actionSpace
        self.timeLimit = timeLimit
        contexts = Array(repeating: Context(names: [], values: []), count: copies)
        states = Array(repeating: 0, count: copies)
        elapsed = Array(repeating: 0, count: copies)
        rng = RandomStream(seed: seed)
    }

    func actionBounds(copy index: Int) -> (lower: [Double], upper: [Double]) {
        guard case .box(let dimension) = actionSpace else { return ([], []) }
        return (Array(repeating: -1, count: dimension), Array(repeating: 1, count: dimension))
    }

    func reset() -> [Float] {
        for copy in 0..<count { states[copy] = rng.uniform(-1, 1) }
        elapsed = Array(repeating: 0, count: count)
        return observations()
    }

    func observations() -> [Float] {
        states.map { fixedObservation ?? Float($0) }
    }

    func step(_ actions: [Double], into result: inout VectorStep) {
        receivedActions.append(actions)
        totalSteps += 1
        let width = actionSpace.width
        for copy in 0..<count {
            let action = actions[copy * width]
            let push: Double
            if case .discrete = actionSpace { push = action == 0 ? -0.1 : 0.1 } else {
                push = 0.1 * action
            }
            states[copy] += push
            elapsed[copy] += 1
            let isNaNStep = nanRewardStep.map { totalSteps >= $0 } ?? false
            result.rewards[copy] = isNaNStep ? .nan : -abs(states[copy])
            result.terminated[copy] = false
            result.truncated[copy] = elapsed[copy] >= timeLimit
        }
        result.finalObservations = observations()
        for copy in 0..<count where result.truncated[copy] {
            states[copy] = rng.uniform(-1, 1)
            elapsed[copy] = 0
        }
        result.observations = observations()
    }
}
