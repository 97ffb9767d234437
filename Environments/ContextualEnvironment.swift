import Foundation
import Numerics

// MARK: - Protocol

/// An environment written as pure functions of value types: a params value built from a
/// validated context, a state value, and `reset` and `step` functions that read and return
/// them.
///
/// Time limits are not part of these functions. `step` returns whether the state is terminal,
/// and the caller (`VectorizedEnvironment`, `SingleEnvironment`) counts steps and sets
/// `truncated` when the count reaches `timeLimit`.
///
/// Conforming types are caseless enums. Their functions are `@inlinable` so that generic code
/// in other modules can be specialized for them.
public protocol ContextualEnvironment {
    /// The physical parameters of one copy.
    associatedtype Params: EnvironmentParams
    /// The simulator state of one copy, in double precision.
    associatedtype State: Sendable
    /// One action: `Int` for discrete action spaces, `Double` for one-dimensional boxes.
    associatedtype Action

    /// The registry entry of this environment.
    static var kind: EnvironmentKind { get }
    /// The declared context features.
    static var contextSpace: ContextSpace { get }
    /// The number of components of one observation.
    static var observationSize: Int { get }
    /// The action space.
    static var actionSpace: ActionSpace { get }
    /// The number of steps after which an episode is truncated.
    static var timeLimit: Int { get }
    /// The names of the state components, in the order of `stateValues(of:)`.
    static var stateNames: [String] { get }

    /// Draws a starting state.
    static func reset(params: Params, rng: inout RandomStream) -> State

    /// Advances one copy by one step.
    ///
    /// `rng` is the copy's stream. Only environments with random dynamics (Acrobot's torque
    /// noise) draw from it.
    static func step(
        state: State, action: Action, params: Params, rng: inout RandomStream
    ) -> StepOutcome<State>

    /// Writes the observation of `state` to `observationSize` floats starting at `observation`.
    static func writeObservation(of state: State, to observation: UnsafeMutablePointer<Float>)

    /// Converts one flattened action value to an action, or returns nil when it is invalid
    /// (not an index of a discrete space, or NaN).
    static func action(from value: Double) -> Action?

    /// Returns the action bounds under `params`, which are empty for discrete action spaces.
    static func actionBounds(params: Params) -> (lower: [Double], upper: [Double])

    /// Returns the state as an array of doubles, in the order of `stateNames`.
    static func stateValues(of state: State) -> [Double]

    /// Returns the state with the given components, or nil when the count is wrong or a value
    /// is not finite.
    static func state(values: [Double]) -> State?

    /// Steps every copy of a vectorized environment once, resetting the copies whose
    /// episodes end.
    ///
    /// The default steps the copies one by one with `step` and `VectorCopies.finish`. An
    /// environment may step several copies at a time with SIMD arithmetic instead.
    static func advanceCopies(
        _ copies: VectorCopies<Self>, actions: UnsafeBufferPointer<Double>,
        output: VectorStepPointers)
}

/// The physical parameters of one environment copy, built from a validated context.
///
/// Conforming types hold only numbers, so that copying them in a hot loop costs no reference
/// counting, and are `Hashable`, so that copies with equal params can share them. Derived
/// quantities are computed properties.
public protocol EnvironmentParams: Hashable, Sendable {
    /// Builds the parameters from `context`.
    ///
    /// Features that `context` leaves out take their default values.
    ///
    /// - Throws: `ContextError` for an unknown feature, a non-finite value or a value outside
    ///   the declared bounds.
    init(context: Context) throws
}

/// The result of one step of one environment copy, before any time limit.
public struct StepOutcome<State> {
    /// The state after the step.
    public var state: State
    /// The reward of the step.
    public var reward: Double
    /// Whether the state after the step is terminal.
    public var terminated: Bool

    @inlinable
    public init(state: State, reward: Double, terminated: Bool) {
        self.state = state
        self.reward = reward
        self.terminated = terminated
    }
}

// MARK: - Conveniences

extension ContextualEnvironment {
    @inlinable
    public static func advanceCopies(
        _ copies: VectorCopies<Self>, actions: UnsafeBufferPointer<Double>,
        output: VectorStepPointers
    ) {
        for index in 0..<copies.count {
            let action = copies.action(actions[index])
            let outcome = step(
                state: copies.states[index], action: action, params: copies.params(index),
                rng: &copies.streams[index])
            copies.finish(index, outcome: outcome, output: output)
        }
    }

    /// Returns the observation of `state` as an array.
    @inlinable
    public static func observation(of state: State) -> [Float] {
        [Float](unsafeUninitializedCapacity: observationSize) { buffer, count in
            writeObservation(of: state, to: buffer.baseAddress!)
            count = observationSize
        }
    }

    /// The default parameters.
    public static var defaultParams: Params {
        // ContextFeature requires every default to lie within its bounds, so this cannot throw.
        try! Params(context: contextSpace.defaultContext)
    }
}

// MARK: - Python arithmetic

/// Returns the square of `x` as Python's `x ** 2` computes it.
///
/// CPython and NumPy evaluate `x ** 2` on floats with C `pow`, which differs from the correctly
/// rounded `x * x` in the last bit for about 0.1% of arguments (measured with glibc 2.36).
/// Gymnasium's Pendulum, MountainCarContinuous and Acrobot square with `**`, CartPole with
/// `np.square`, so these environments call this function where Gymnasium writes `**`.
///
/// `pow` can only round differently when the exact square lies near the midpoint between two
/// doubles. The function therefore returns `x * x` when Dekker's exact product error puts the
/// square within 0.45 ULP of that double, and calls `pow` otherwise (about one argument in
/// ten). The tests check the result against `pow` over 10^6 arguments.
@inlinable
public func pythonSquare(_ x: Double) -> Double {
    let product = x * x

    // Veltkamp's split: x = high + low with 26 significant bits each, so that the products
    // below are exact and `error` is the exact value of x^2 - product.
    let scaled = 134_217_729.0 * x
    let high = scaled - (scaled - x)
    let low = x - high
    let error = ((high * high - product) + 2 * high * low) + low * low

    // Below a power of two the spacing of doubles halves, hence the lower neighbour's ULP.
    if product.isNormal && scaled.isFinite && abs(error) < 0.45 * product.nextDown.ulp {
        return product
    }
    // LLVM rewrites pow(x, 2.0) as x * x. The exponent 2 + 0 * x equals 2 for finite x but is
    // not a constant to LLVM, which may not assume x is finite.
    return Foundation.pow(x, 2 + 0 * x)
}
