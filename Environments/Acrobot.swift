import Foundation
import Numerics

/// Two links joined in a chain and hanging from a fixed joint, with a motor only at the joint
/// between them. The agent swings the free end above a line one unit over the fixed joint
/// (Sutton, 1996; Gymnasium 1.4.0 `Acrobot-v1` with the "book" dynamics).
///
/// **Action space.** `Discrete(3)`: torque -1, 0 or +1 N m at the joint between the links,
/// plus noise uniform in ±`torque_noise_max` drawn from the copy's stream when that is
/// positive.
///
/// **Observation.**
///
/// | index | observation            | range            |
/// |-------|------------------------|------------------|
/// | 0, 1  | cos, sin of theta1     | [-1, 1]          |
/// | 2, 3  | cos, sin of theta2     | [-1, 1]          |
/// | 4     | angular velocity 1     | ±`max_vel_1`     |
/// | 5     | angular velocity 2     | ±`max_vel_2`     |
///
/// theta1 is the angle of the first link from straight down, theta2 the angle of the second
/// link relative to the first.
///
/// **Reward.** -1 on every step, 0 on the step that terminates.
///
/// **Starting state.** All four components uniform in [-0.1, 0.1] and rounded to single
/// precision, as Gymnasium stores them in a `float32` array.
///
/// **Episode end.** Terminated when `-cos(theta1) - cos(theta1 + theta2) > 1`. Truncated after
/// 500 steps.
///
/// **Dynamics.** One fourth-order Runge-Kutta step of 0.2 s of the equations in Sutton and
/// Barto's book (gravity 9.8 m/s^2, both links with moment of inertia `link_moi`). Then
/// both angles are wrapped into [-pi, pi] and the velocities clipped to ±`max_vel_1` and
/// ±`max_vel_2`.
///
/// **Departures from Gymnasium.** None at the default context. `link_length_2` changes only
/// the picture, because Gymnasium's dynamics and termination line do not read it.
///
/// **Departures from CARL.** Feature names are CARL 1.x's, lower-cased. CARL's reset interval
/// features are not offered, so the reset interval is always ±0.1. `torque_noise_max` is
/// bounded to [0, 1], because CARL's negative values mean no noise.
public enum Acrobot: ContextualEnvironment {
    public typealias Action = Int

    // MARK: - Declaration

    public static let contextSpace = ContextSpace(
        environment: "acrobot",
        features: [
            ContextFeature(
                name: "link_length_1", defaultValue: 1, lowerBound: 0.1, upperBound: 10,
                unit: "m", effects: [.dynamics], summary: "length of the first link"),
            ContextFeature(
                name: "link_length_2", defaultValue: 1, lowerBound: 0.1, upperBound: 10,
                unit: "m", effects: [.pictureOnly],
                summary: "length of the second link (drawn only)"),
            ContextFeature(
                name: "link_mass_1", defaultValue: 1, lowerBound: 0.1, upperBound: 10,
                unit: "kg", effects: [.dynamics], summary: "mass of the first link"),
            ContextFeature(
                name: "link_mass_2", defaultValue: 1, lowerBound: 0.1, upperBound: 10,
                unit: "kg", effects: [.dynamics], summary: "mass of the second link"),
            ContextFeature(
                name: "link_com_pos_1", defaultValue: 0.5, lowerBound: 0.05, upperBound: 1,
                unit: "m", effects: [.dynamics],
                summary: "distance from the fixed joint to the first link's centre of mass"),
            ContextFeature(
                name: "link_com_pos_2", defaultValue: 0.5, lowerBound: 0.05, upperBound: 1,
                unit: "m", effects: [.dynamics],
                summary: "distance from the middle joint to the second link's centre of mass"),
            ContextFeature(
                name: "link_moi", defaultValue: 1, lowerBound: 0.1, upperBound: 10,
                unit: "kg m^2", effects: [.dynamics],
                summary: "moment of inertia of each link"),
            ContextFeature(
                name: "max_vel_1", defaultValue: 4 * Double.pi, lowerBound: 0.4 * Double.pi,
                upperBound: 40 * Double.pi, unit: "rad/s", effects: [.dynamics],
                summary: "angular velocity limit of the first link"),
            ContextFeature(
                name: "max_vel_2", defaultValue: 9 * Double.pi, lowerBound: 0.9 * Double.pi,
                upperBound: 90 * Double.pi, unit: "rad/s", effects: [.dynamics],
                summary: "angular velocity limit of the second link"),
            ContextFeature(
                name: "torque_noise_max", defaultValue: 0, lowerBound: 0, upperBound: 1,
                unit: "N m", effects: [.dynamics],
                summary: "half-width of the uniform noise added to the torque"),
        ])

    public static var kind: EnvironmentKind { .acrobot }
    public static var observationSize: Int { 6 }
    public static var actionSpace: ActionSpace { .discrete(count: 3) }
    public static var timeLimit: Int { 500 }
    public static var stateNames: [String] {
        ["theta1", "theta2", "angular_velocity_1", "angular_velocity_2"]
    }

    /// The integration time step in s (Gymnasium's `dt`, not a context feature).
    @inlinable public static var timeStep: Double { 0.2 }
    /// Gravitational acceleration in m/s^2, fixed in Gymnasium's dynamics.
    @inlinable public static var gravity: Double { 9.8 }

    // MARK: - Params and state

    /// The links and limits of one acrobot.
    public struct Params: EnvironmentParams {
        /// Length of the first link in m (`link_length_1`).
        public var link1Length: Double
        /// Length of the second link in m (`link_length_2`), used only for drawing.
        public var link2Length: Double
        /// Mass of the first link in kg (`link_mass_1`).
        public var link1Mass: Double
        /// Mass of the second link in kg (`link_mass_2`).
        public var link2Mass: Double
        /// Position of the first link's centre of mass in m (`link_com_pos_1`).
        public var link1CenterOfMass: Double
        /// Position of the second link's centre of mass in m (`link_com_pos_2`).
        public var link2CenterOfMass: Double
        /// Moment of inertia of each link in kg m^2 (`link_moi`).
        public var linkMomentOfInertia: Double
        /// Angular velocity limit of the first link in rad/s (`max_vel_1`).
        public var maxVelocity1: Double
        /// Angular velocity limit of the second link in rad/s (`max_vel_2`).
        public var maxVelocity2: Double
        /// Half-width of the torque noise in N m (`torque_noise_max`).
        public var torqueNoiseMax: Double

        public init(context: Context) throws {
            let context = try Acrobot.contextSpace.validated(context)
            link1Length = context["link_length_1"]
            link2Length = context["link_length_2"]
            link1Mass = context["link_mass_1"]
            link2Mass = context["link_mass_2"]
            link1CenterOfMass = context["link_com_pos_1"]
            link2CenterOfMass = context["link_com_pos_2"]
            linkMomentOfInertia = context["link_moi"]
            maxVelocity1 = context["max_vel_1"]
            maxVelocity2 = context["max_vel_2"]
            torqueNoiseMax = context["torque_noise_max"]
        }
    }

    /// The state of one acrobot.
    public struct State: Equatable, Sendable {
        /// Angle of the first link from straight down in rad.
        public var theta1: Double
        /// Angle of the second link relative to the first in rad.
        public var theta2: Double
        /// Angular velocity of the first link in rad/s.
        public var angularVelocity1: Double
        /// Angular velocity of the second link in rad/s.
        public var angularVelocity2: Double

        @inlinable
        public init(
            theta1: Double, theta2: Double, angularVelocity1: Double, angularVelocity2: Double
        ) {
            self.theta1 = theta1
            self.theta2 = theta2
            self.angularVelocity1 = angularVelocity1
            self.angularVelocity2 = angularVelocity2
        }
    }

    // MARK: - Reset and step

    @inlinable
    public static func reset(params: Params, rng: inout RandomStream) -> State {
        let theta1 = Double(Float(rng.uniform(-0.1, 0.1)))
        let theta2 = Double(Float(rng.uniform(-0.1, 0.1)))
        let angularVelocity1 = Double(Float(rng.uniform(-0.1, 0.1)))
        let angularVelocity2 = Double(Float(rng.uniform(-0.1, 0.1)))
        return State(
            theta1: theta1, theta2: theta2, angularVelocity1: angularVelocity1,
            angularVelocity2: angularVelocity2)
    }

    @inlinable
    public static func step(
        state: State, action: Int, params: Params, rng: inout RandomStream
    ) -> StepOutcome<State> {
        var torque = Double(action - 1)
        if params.torqueNoiseMax > 0 {
            torque += rng.uniform(-params.torqueNoiseMax, params.torqueNoiseMax)
        }
        return step(state: state, torque: torque, params: params)
    }

    /// Advances one acrobot by one step with the given torque, noise included.
    @inlinable
    public static func step(
        state: State, torque: Double, params: Params
    ) -> StepOutcome<State> {
        var next = AcrobotDynamics.rungeKuttaStep(state: state, torque: torque, params: params)
        next.theta1 = wrap(next.theta1)
        next.theta2 = wrap(next.theta2)
        next.angularVelocity1 = min(
            max(next.angularVelocity1, -params.maxVelocity1), params.maxVelocity1)
        next.angularVelocity2 = min(
            max(next.angularVelocity2, -params.maxVelocity2), params.maxVelocity2)
        let terminated = isTerminal(next)
        return StepOutcome(state: next, reward: terminated ? 0 : -1, terminated: terminated)
    }

    /// Returns whether the free end is more than one unit above the fixed joint.
    @inlinable
    public static func isTerminal(_ state: State) -> Bool {
        -Foundation.cos(state.theta1) - Foundation.cos(state.theta2 + state.theta1) > 1.0
    }

    /// Wraps an angle into [-pi, pi] by whole turns, as Gymnasium's `wrap` does.
    @inlinable
    public static func wrap(_ angle: Double) -> Double {
        let turn = Double.pi - -Double.pi
        var wrapped = angle
        while wrapped > Double.pi { wrapped -= turn }
        while wrapped < -Double.pi { wrapped += turn }
        return wrapped
    }

    // MARK: - Conversions

    @inlinable
    public static func writeObservation(
        of state: State, to observation: UnsafeMutablePointer<Float>
    ) {
        observation[0] = Float(Foundation.cos(state.theta1))
        observation[1] = Float(Foundation.sin(state.theta1))
        observation[2] = Float(Foundation.cos(state.theta2))
        observation[3] = Float(Foundation.sin(state.theta2))
        observation[4] = Float(state.angularVelocity1)
        observation[5] = Float(state.angularVelocity2)
    }

    @inlinable
    public static func action(from value: Double) -> Int? {
        value == 0 || value == 1 || value == 2 ? Int(value) : nil
    }

    public static func actionBounds(params: Params) -> (lower: [Double], upper: [Double]) {
        ([], [])
    }

    public static func stateValues(of state: State) -> [Double] {
        [state.theta1, state.theta2, state.angularVelocity1, state.angularVelocity2]
    }

    public static func state(values: [Double]) -> State? {
        guard values.count == 4, values.allSatisfy(\.isFinite) else { return nil }
        return State(
            theta1: values[0], theta2: values[1], angularVelocity1: values[2],
            angularVelocity2: values[3])
    }
}
