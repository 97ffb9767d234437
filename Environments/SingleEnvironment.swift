import Numerics

/// One environment copy behind a type-erased interface that takes and returns plain arrays,
/// for `ctxrl simulate`, rendering and tests.
///
/// Create one with `EnvironmentKind.makeSingleEnvironment(context:seed:)`. The copy counts
/// the steps of its episode and sets `truncated` once the count reaches the time limit. It
/// never resets itself: after an episode ends, further steps continue from the last state
/// (see each environment for what such a step returns) until `reset(state:)` is called.
public protocol SingleEnvironment: AnyObject {
    /// The environment kind.
    var kind: EnvironmentKind { get }
    /// The validated, complete context.
    var context: Context { get }
    /// The number of steps since the last reset.
    var elapsedSteps: Int { get }

    /// Starts an episode from `state`, or from a state drawn from the copy's stream when
    /// `state` is nil, and returns it as step 0 with reward 0.
    ///
    /// - Throws: `EnvironmentError.invalidState` when `state` has the wrong number of
    ///   components or a value that is not finite.
    @discardableResult
    func reset(state: [Double]?) throws -> SimulationStep

    /// Advances the episode by one step.
    ///
    /// - Precondition: `reset(state:)` was called.
    /// - Throws: `EnvironmentError.invalidAction` when `action` is not an index of a discrete
    ///   action space or, for a box, is NaN.
    func step(action: Double) throws -> SimulationStep
}

/// The record of one step of a `SingleEnvironment`, in the order `ctxrl simulate` prints it.
public struct SimulationStep: Equatable, Sendable {
    /// The number of steps since reset: 0 for the reset itself.
    public var elapsedSteps: Int
    /// The simulator state in double precision, in the order of `EnvironmentKind.stateNames`.
    public var state: [Double]
    /// The observation that the agent receives.
    public var observation: [Float]
    /// The reward of the step; 0 for the reset.
    public var reward: Double
    /// Whether the state after the step is terminal.
    public var terminated: Bool
    /// Whether the step reached the time limit.
    public var truncated: Bool

    public init(
        elapsedSteps: Int, state: [Double], observation: [Float], reward: Double,
        terminated: Bool, truncated: Bool
    ) {
        self.elapsedSteps = elapsedSteps
        self.state = state
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }
}

/// An error in a state or an action given to a `SingleEnvironment`.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    /// The action is not valid for the environment's action space.
    case invalidAction(environment: String, action: Double, expected: String)
    /// The explicit state has the wrong size or a value that is not finite.
    case invalidState(environment: String, values: [Double], expected: String)

    public var description: String {
        switch self {
        case .invalidAction(let environment, let action, let expected):
            return "\(environment) action \(action) is invalid; give \(expected)"
        case .invalidState(let environment, let values, let expected):
            let listed = values.map { "\($0)" }.joined(separator: ", ")
            return "\(environment) state [\(listed)] is invalid; give \(expected)"
        }
    }
}

// MARK: - Implementation

/// A `SingleEnvironment` over one value-type environment.
final class SingleCopy<Environment: ContextualEnvironment>: SingleEnvironment {
    let context: Context
    let params: Environment.Params
    private(set) var elapsedSteps = 0
    private var stream: RandomStream
    private var state: Environment.State?

    init(context: Context, seed: UInt64) throws {
        params = try Environment.Params(context: context)
        self.context = try Environment.contextSpace.validated(context)
        stream = RandomStream(seed: seed)
    }

    var kind: EnvironmentKind { Environment.kind }

    func reset(state values: [Double]?) throws -> SimulationStep {
        let start: Environment.State
        if let values {
            guard let explicit = Environment.state(values: values) else {
                let names = Environment.stateNames.joined(separator: ", ")
                throw EnvironmentError.invalidState(
                    environment: kind.rawValue, values: values,
                    expected: "\(Environment.stateNames.count) finite numbers: \(names)")
            }
            start = explicit
        } else {
            start = Environment.reset(params: params, rng: &stream)
        }
        state = start
        elapsedSteps = 0
        return record(start, reward: 0, terminated: false, truncated: false)
    }

    func step(action value: Double) throws -> SimulationStep {
        guard let current = state else {
            preconditionFailure("call reset(state:) before step(action:)")
        }
        guard let action = Environment.action(from: value) else {
            throw EnvironmentError.invalidAction(
                environment: kind.rawValue, action: value, expected: expectedAction)
        }
        let outcome = Environment.step(
            state: current, action: action, params: params, rng: &stream)
        state = outcome.state
        elapsedSteps += 1
        return record(
            outcome.state, reward: outcome.reward, terminated: outcome.terminated,
            truncated: elapsedSteps >= Environment.timeLimit)
    }

    private var expectedAction: String {
        switch Environment.actionSpace {
        case .discrete(let count):
            return "an integer from 0 to \(count - 1)"
        case .box:
            let bounds = Environment.actionBounds(params: params)
            return "a number (values outside [\(bounds.lower[0]), \(bounds.upper[0])] "
                + "are clipped)"
        }
    }

    private func record(
        _ state: Environment.State, reward: Double, terminated: Bool, truncated: Bool
    ) -> SimulationStep {
        SimulationStep(
            elapsedSteps: elapsedSteps, state: Environment.stateValues(of: state),
            observation: Environment.observation(of: state), reward: reward,
            terminated: terminated, truncated: truncated)
    }
}
