import Foundation
import Numerics

/// MountainCar with a continuous throttle and an energy cost (Gymnasium 1.4.0
/// `MountainCarContinuous-v0`).
///
/// **Action space.** `Box(1)` in [-1, 1]: the throttle. Values outside are clipped for the
/// dynamics but penalised unclipped.
///
/// **Observation.** Position and velocity as `Float`, with the ranges of `MountainCar`.
///
/// **Reward.** `100 * terminated - 0.1 a^2` with the unclipped action `a`.
///
/// **Starting state.** Position uniform in [`min_position_start`, `max_position_start`],
/// velocity 0, both in double precision.
///
/// **Episode end.** Terminated when position >= `goal_position` (default 0.45) and velocity
/// >= `goal_velocity`. Truncated after 999 steps.
///
/// **Dynamics.** As `MountainCar` with `v += clip(a, -1, 1) power - 0.0025 cos(3 x)`. The
/// gravity feature replaces the constant 0.0025. After every step the state is rounded to
/// single precision, as Gymnasium stores it in a `float32` array.
///
/// **Precision.** Gymnasium's step mixes that `float32` state with Python floats, and NumPy 2
/// promotion rules decide the precision of each operation. A Python float meeting a
/// `float32` is converted to `float32` (NEP 50), also in comparisons. ctxrl repeats those
/// rules, so its trajectories match Gymnasium's bit for bit when Gymnasium receives actions
/// as `float64` arrays. Gymnasium's own `float32` action samples would make more of the
/// arithmetic single precision.
///
/// **Departures from Gymnasium.** The reset interval, `power` and `gravity` are context
/// features.
///
/// **Departures from CARL.** `goal_position` defaults to Gymnasium's 0.45 (CARL 1.x uses 0.5).
/// `gravity` is added, because CARL cannot change Gymnasium's constant 0.0025. The bounds
/// are those of `MountainCar`.
public enum MountainCarContinuous: ContextualEnvironment {
    public typealias Action = Double

    // MARK: - Declaration

    public static let contextSpace = ContextSpace(
        environment: "mountaincar-continuous",
        features: MountainCarTrack.features(
            goalPosition: 0.45, thrustName: "power", thrustDefault: 0.0015,
            thrustSummary: "acceleration at full throttle"))

    public static var kind: EnvironmentKind { .mountainCarContinuous }
    public static var observationSize: Int { 2 }
    public static var actionSpace: ActionSpace { .box(dimension: 1) }
    public static var timeLimit: Int { 999 }
    public static var stateNames: [String] { ["position", "velocity"] }

    // MARK: - Params and state

    /// The track and engine of one continuous mountain car.
    public struct Params: EnvironmentParams {
        /// The shared track features.
        public var track: MountainCarTrack
        /// Acceleration at full throttle per step (`power`).
        public var power: Double

        public init(context: Context) throws {
            let context = try MountainCarContinuous.contextSpace.validated(context)
            track = MountainCarTrack(context: context)
            power = context["power"]
        }
    }

    /// The state of one continuous mountain car.
    public struct State: Equatable, Sendable {
        /// Position along the track.
        public var position: Double
        /// Velocity in position units per step.
        public var velocity: Double
        /// Whether Gymnasium would hold this state in a `float32` array: true after a step,
        /// false after a reset or an explicitly set state.
        public var isSinglePrecision: Bool

        @inlinable
        public init(position: Double, velocity: Double, isSinglePrecision: Bool = false) {
            self.position = position
            self.velocity = velocity
            self.isSinglePrecision = isSinglePrecision
        }
    }

    // MARK: - Reset and step

    @inlinable
    public static func reset(params: Params, rng: inout RandomStream) -> State {
        let track = params.track
        let position = rng.uniform(track.minStartPosition, track.maxStartPosition)
        return State(position: position, velocity: 0)
    }

    @inlinable
    public static func step(
        state: State, action: Double, params: Params, rng: inout RandomStream
    ) -> StepOutcome<State> {
        let track = params.track
        let stored: NumPyScalar.Kind = state.isSinglePrecision ? .float32 : .float64
        var position = NumPyScalar(state.position, stored)
        var velocity = NumPyScalar(state.velocity, stored)

        // `min(max(a, -1.0), 1.0)` keeps the NumPy action or returns a Python float bound.
        var throttle = NumPyScalar(action, .float64)
        if action < -1 { throttle = NumPyScalar(-1, .python) }
        if action > 1 { throttle = NumPyScalar(1, .python) }

        // `math.cos` always returns a Python float, but `3 * position` is float32 arithmetic
        // when the position is.
        let cosine = Foundation.cos((position * 3).value)
        let acceleration = throttle * params.power - NumPyScalar(track.gravity * cosine, .python)
        velocity = velocity + acceleration
        if velocity > track.maxSpeed { velocity = NumPyScalar(track.maxSpeed, .python) }
        if velocity < -track.maxSpeed { velocity = NumPyScalar(-track.maxSpeed, .python) }

        position = position + velocity
        if position > track.maxPosition { position = NumPyScalar(track.maxPosition, .python) }
        if position < track.minPosition { position = NumPyScalar(track.minPosition, .python) }
        if position == track.minPosition && velocity < 0 { velocity = NumPyScalar(0, .python) }

        let terminated = position >= track.goalPosition && velocity >= track.goalVelocity
        let reward = (terminated ? 100.0 : 0.0) - pythonSquare(action) * 0.1
        let next = State(
            position: Double(Float(position.value)), velocity: Double(Float(velocity.value)),
            isSinglePrecision: true)
        return StepOutcome(state: next, reward: reward, terminated: terminated)
    }

    // MARK: - Conversions

    @inlinable
    public static func writeObservation(
        of state: State, to observation: UnsafeMutablePointer<Float>
    ) {
        observation[0] = Float(state.position)
        observation[1] = Float(state.velocity)
    }

    @inlinable
    public static func action(from value: Double) -> Double? {
        value.isNaN ? nil : value
    }

    public static func actionBounds(params: Params) -> (lower: [Double], upper: [Double]) {
        ([-1], [1])
    }

    public static func stateValues(of state: State) -> [Double] {
        [state.position, state.velocity]
    }

    public static func state(values: [Double]) -> State? {
        guard values.count == 2, values.allSatisfy(\.isFinite) else { return nil }
        return State(position: values[0], velocity: values[1])
    }
}

// MARK: - NumPy scalar promotion

/// A number tagged with the type Gymnasium's Python code holds it in, with arithmetic and
/// comparisons that follow NumPy 2's promotion rules (NEP 50).
///
/// A Python float is "weak": meeting a NumPy scalar, it takes that scalar's type. So
/// `float32` op Python float runs in single precision, `float32` op `float64` in double, and
/// Python floats among themselves in double.
@usableFromInline
struct NumPyScalar {
    @usableFromInline
    enum Kind {
        case float32, float64, python
    }

    @usableFromInline var value: Double
    @usableFromInline var kind: Kind

    @inlinable
    init(_ value: Double, _ kind: Kind) {
        self.value = value
        self.kind = kind
    }

    /// Returns the kind of a binary operation's result.
    @inlinable
    static func promote(_ a: Kind, _ b: Kind) -> Kind {
        if a == .float64 || b == .float64 { return .float64 }
        if a == .float32 || b == .float32 { return .float32 }
        return .python
    }

    /// Applies `operation` in the precision NumPy would use.
    @inlinable
    static func combine(
        _ a: NumPyScalar, _ b: NumPyScalar,
        _ operation: (Double, Double) -> Double, _ single: (Float, Float) -> Float
    ) -> NumPyScalar {
        let kind = promote(a.kind, b.kind)
        if kind == .float32 {
            return NumPyScalar(Double(single(Float(a.value), Float(b.value))), .float32)
        }
        return NumPyScalar(operation(a.value, b.value), kind)
    }

    @inlinable
    static func + (a: NumPyScalar, b: NumPyScalar) -> NumPyScalar {
        combine(a, b, +, +)
    }

    @inlinable
    static func - (a: NumPyScalar, b: NumPyScalar) -> NumPyScalar {
        combine(a, b, -, -)
    }

    /// Multiplies by a Python float constant.
    @inlinable
    static func * (a: NumPyScalar, b: Double) -> NumPyScalar {
        combine(a, NumPyScalar(b, .python), *, *)
    }

    /// Returns the pair `(a, b)` rounded as NumPy rounds it to compare a scalar with a Python
    /// float.
    @inlinable
    static func compared(_ a: NumPyScalar, _ b: Double) -> (Double, Double) {
        a.kind == .float32 ? (Double(Float(a.value)), Double(Float(b))) : (a.value, b)
    }

    @inlinable
    static func > (a: NumPyScalar, b: Double) -> Bool {
        let (x, y) = compared(a, b)
        return x > y
    }

    @inlinable
    static func < (a: NumPyScalar, b: Double) -> Bool {
        let (x, y) = compared(a, b)
        return x < y
    }

    @inlinable
    static func >= (a: NumPyScalar, b: Double) -> Bool {
        let (x, y) = compared(a, b)
        return x >= y
    }

    @inlinable
    static func == (a: NumPyScalar, b: Double) -> Bool {
        let (x, y) = compared(a, b)
        return x == y
    }
}
