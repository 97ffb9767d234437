/// The action space of an environment.
public enum ActionSpace: Equatable, Sendable {
    /// Actions are integers in 0..<count.
    case discrete(count: Int)
    /// Actions are real vectors of `dimension` components, bounded per copy by the context.
    case box(dimension: Int)

    /// The number of numbers one action takes in a flattened action array.
    public var width: Int {
        switch self {
        case .discrete: return 1
        case .box(let dimension): return dimension
        }
    }
}

/// The outcome of one step of every copy in a vectorized environment.
///
/// All arrays are flattened copy-major: copy `i`'s observation occupies
/// `observations[i * observationSize ..< (i + 1) * observationSize]`.
public struct VectorStep: Sendable {
    /// The observation each copy starts its next step from: after an automatic reset for a copy
    /// whose episode ended on this step.
    public var observations: [Float]
    /// The last observation of the episode that ended on this step; equal to `observations`
    /// for copies whose episode continues. Learners bootstrap truncated episodes from it.
    public var finalObservations: [Float]
    /// The reward of this step, per copy.
    public var rewards: [Double]
    /// Whether the step reached a terminal state (no bootstrapping), per copy.
    public var terminated: [Bool]
    /// Whether the time limit cut the episode (bootstrap from `finalObservations`), per copy.
    public var truncated: [Bool]

    public init(count: Int, observationSize: Int) {
        observations = Array(repeating: 0, count: count * observationSize)
        finalObservations = observations
        rewards = Array(repeating: 0, count: count)
        terminated = Array(repeating: false, count: count)
        truncated = Array(repeating: false, count: count)
    }
}

/// Many copies of one environment kind, each with its own context and random stream, stepped
/// together; the path that training and evaluation use.
///
/// A copy whose episode ends (terminated or truncated) is reset automatically within the same
/// `step` call, and `VectorStep.finalObservations` keeps what it saw last.
public protocol VectorEnvironment: AnyObject {
    /// The number of copies.
    var count: Int { get }
    /// The number of components of one observation.
    var observationSize: Int { get }
    /// The action space shared by all copies.
    var actionSpace: ActionSpace { get }
    /// The context of each copy.
    var contexts: [Context] { get }
    /// The action bounds of copy `index`, which follow its context; empty for discrete actions.
    func actionBounds(copy index: Int) -> (lower: [Double], upper: [Double])
    /// Resets every copy and returns the flattened observations.
    func reset() -> [Float]
    /// Steps every copy with `actions` (flattened, `actionSpace.width` numbers per copy; a
    /// discrete action is an integral value) and writes the outcome into `result`.
    func step(_ actions: [Double], into result: inout VectorStep)
}
