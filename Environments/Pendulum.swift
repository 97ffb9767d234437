import Foundation
import Numerics

/// A rigid pendulum hinged at one end. The agent applies a torque at the hinge to swing it up
/// and hold it upright (Gymnasium 1.4.0 `Pendulum-v1`).
///
/// **Action space.** `Box(1)`: the torque in N m, clipped to [-`max_torque`, `max_torque`]
/// before use. The action bounds follow `max_torque`.
///
/// **Observation.**
///
/// | index | observation      | range         |
/// |-------|------------------|---------------|
/// | 0     | cos(theta)       | [-1, 1]       |
/// | 1     | sin(theta)       | [-1, 1]       |
/// | 2     | angular velocity | ±`max_speed`  |
///
/// theta is 0 when the pendulum points up and grows counter-clockwise.
///
/// **Reward.** `-(angleNormalize(theta)^2 + 0.1 thetaDot^2 + 0.001 u^2)`, computed from the
/// state before the step and the clipped torque `u`. It lies in about [-16.27, 0] by default.
///
/// **Starting state.** theta uniform in ±`initial_angle_max` (default pi), angular velocity
/// uniform in ±`initial_velocity_max` (default 1).
///
/// **Episode end.** Never terminates. Truncated after 200 steps.
///
/// **Dynamics.** One explicit step with clipped velocity:
///
/// ```
/// thetaDot' = clip(thetaDot + (3 g / (2 l) sin(theta) + 3 / (m l^2) u) dt, ±max_speed)
/// theta'    = theta + thetaDot' dt
/// ```
///
/// The state angle is never wrapped. Only the cost wraps it.
///
/// **Departures from Gymnasium.** `max_speed`, `max_torque`, `initial_angle_max` and
/// `initial_velocity_max` are context features. Gymnasium fixes them or takes the reset
/// bounds as reset options.
///
/// **Departures from CARL.** The reset draws from symmetric intervals as Gymnasium does,
/// whereas CARL 1.x draws from [0, max]. `max_torque` is not a CARL feature. Unbounded CARL
/// features get bounds of one tenth to ten times their default.
public enum Pendulum: ContextualEnvironment {
    public typealias Action = Double

    // MARK: - Declaration

    public static let contextSpace = ContextSpace(
        environment: "pendulum",
        features: [
            ContextFeature(
                name: "max_speed", defaultValue: 8, lowerBound: 0.8, upperBound: 80,
                unit: "rad/s", effects: [.dynamics], summary: "angular velocity limit"),
            ContextFeature(
                name: "max_torque", defaultValue: 2, lowerBound: 0.2, upperBound: 20,
                unit: "N m", effects: [.actionBounds, .dynamics, .reward],
                summary: "torque limit, the bound of the action space"),
            ContextFeature(
                name: "dt", defaultValue: 0.05, lowerBound: 0.005, upperBound: 0.5,
                unit: "s", effects: [.dynamics], summary: "time step"),
            ContextFeature(
                name: "g", defaultValue: 10, lowerBound: 0, upperBound: 100,
                unit: "m/s^2", effects: [.dynamics], summary: "gravitational acceleration"),
            ContextFeature(
                name: "m", defaultValue: 1, lowerBound: 0.1, upperBound: 10,
                unit: "kg", effects: [.dynamics], summary: "mass of the pendulum"),
            ContextFeature(
                name: "l", defaultValue: 1, lowerBound: 0.1, upperBound: 10,
                unit: "m", effects: [.dynamics], summary: "length of the pendulum"),
            ContextFeature(
                name: "initial_angle_max", defaultValue: Double.pi, lowerBound: 0,
                upperBound: Double.pi, unit: "rad", effects: [.reset],
                summary: "half-width of the starting angle interval"),
            ContextFeature(
                name: "initial_velocity_max", defaultValue: 1, lowerBound: 0, upperBound: 8,
                unit: "rad/s", effects: [.reset],
                summary: "half-width of the starting angular velocity interval"),
        ])

    public static var kind: EnvironmentKind { .pendulum }
    public static var observationSize: Int { 3 }
    public static var actionSpace: ActionSpace { .box(dimension: 1) }
    public static var timeLimit: Int { 200 }
    public static var stateNames: [String] { ["angle", "angular_velocity"] }

    // MARK: - Params and state

    /// The physical parameters of one pendulum.
    public struct Params: EnvironmentParams {
        /// Angular velocity limit in rad/s (`max_speed`).
        public var maxSpeed: Double
        /// Torque limit in N m (`max_torque`).
        public var maxTorque: Double
        /// Time step in s (`dt`).
        public var timeStep: Double
        /// Gravitational acceleration in m/s^2 (`g`).
        public var gravity: Double
        /// Mass in kg (`m`).
        public var mass: Double
        /// Length in m (`l`).
        public var length: Double
        /// Half-width of the starting angle interval in rad (`initial_angle_max`).
        public var initialAngleMax: Double
        /// Half-width of the starting angular velocity interval in rad/s
        /// (`initial_velocity_max`).
        public var initialVelocityMax: Double

        public init(context: Context) throws {
            let context = try Pendulum.contextSpace.validated(context)
            maxSpeed = context["max_speed"]
            maxTorque = context["max_torque"]
            timeStep = context["dt"]
            gravity = context["g"]
            mass = context["m"]
            length = context["l"]
            initialAngleMax = context["initial_angle_max"]
            initialVelocityMax = context["initial_velocity_max"]
        }
    }

    /// The state of one pendulum.
    public struct State: Equatable, Sendable {
        /// Angle from upright in rad, counter-clockwise, not wrapped.
        public var angle: Double
        /// Angular velocity in rad/s.
        public var angularVelocity: Double

        @inlinable
        public init(angle: Double, angularVelocity: Double) {
            self.angle = angle
            self.angularVelocity = angularVelocity
        }
    }

    // MARK: - Reset and step

    @inlinable
    public static func reset(params: Params, rng: inout RandomStream) -> State {
        let angle = rng.uniform(-params.initialAngleMax, params.initialAngleMax)
        let angularVelocity = rng.uniform(-params.initialVelocityMax, params.initialVelocityMax)
        return State(angle: angle, angularVelocity: angularVelocity)
    }

    @inlinable
    public static func step(
        state: State, action: Double, params: Params, rng: inout RandomStream
    ) -> StepOutcome<State> {
        let torque = min(max(action, -params.maxTorque), params.maxTorque)
        let theta = state.angle
        let thetaDot = state.angularVelocity

        // The cost uses the state before the step; `pythonSquare` matches Gymnasium's `**`.
        let cost =
            pythonSquare(angleNormalize(theta)) + 0.1 * pythonSquare(thetaDot)
            + 0.001 * pythonSquare(torque)

        let g = params.gravity
        let l = params.length
        let dt = params.timeStep
        let angularAcceleration =
            3 * g / (2 * l) * Foundation.sin(theta)
            + 3.0 / (params.mass * pythonSquare(l)) * torque
        var nextThetaDot = thetaDot + angularAcceleration * dt
        nextThetaDot = min(max(nextThetaDot, -params.maxSpeed), params.maxSpeed)
        let nextTheta = theta + nextThetaDot * dt

        let next = State(angle: nextTheta, angularVelocity: nextThetaDot)
        return StepOutcome(state: next, reward: -cost, terminated: false)
    }

    /// Maps an angle onto [-pi, pi) by a floored modulo, as Gymnasium's
    /// `((x + pi) % (2 pi)) - pi` does in NumPy.
    ///
    /// Swift's `truncatingRemainder` takes the sign of the dividend, so a negative remainder
    /// is shifted up by one period as NumPy's `remainder` does. When that shift rounds to the
    /// full period the result is pi, in NumPy as here.
    @inlinable
    public static func angleNormalize(_ x: Double) -> Double {
        let period = 2 * Double.pi
        var remainder = (x + Double.pi).truncatingRemainder(dividingBy: period)
        if remainder < 0 {
            remainder += period
        } else if remainder == 0 {
            // NumPy returns +0 with the sign of the divisor.
            remainder = 0
        }
        return remainder - Double.pi
    }

    // MARK: - Conversions

    @inlinable
    public static func writeObservation(
        of state: State, to observation: UnsafeMutablePointer<Float>
    ) {
        observation[0] = Float(Foundation.cos(state.angle))
        observation[1] = Float(Foundation.sin(state.angle))
        observation[2] = Float(state.angularVelocity)
    }

    @inlinable
    public static func action(from value: Double) -> Double? {
        value.isNaN ? nil : value
    }

    public static func actionBounds(params: Params) -> (lower: [Double], upper: [Double]) {
        ([-params.maxTorque], [params.maxTorque])
    }

    public static func stateValues(of state: State) -> [Double] {
        [state.angle, state.angularVelocity]
    }

    public static func state(values: [Double]) -> State? {
        guard values.count == 2, values.allSatisfy(\.isFinite) else { return nil }
        return State(angle: values[0], angularVelocity: values[1])
    }
}
