import Foundation
import Numerics

/// A pole hinged on a cart that moves along a frictionless track. The agent balances the pole
/// by pushing the cart left or right (Barto, Sutton and Anderson, 1983; Gymnasium 1.4.0
/// `CartPole-v1`).
///
/// **Action space.** `Discrete(2)`: 0 pushes the cart left with `force_mag` newtons, 1 pushes it
/// right.
///
/// **Observation.** The state rounded to `Float`:
///
/// | index | observation           | unit  |
/// |-------|-----------------------|-------|
/// | 0     | cart position         | m     |
/// | 1     | cart velocity         | m/s   |
/// | 2     | pole angle            | rad   |
/// | 3     | pole angular velocity | rad/s |
///
/// **Reward.** +1 on every step, including the step that terminates.
///
/// **Starting state.** Every component uniform in
/// [`initial_state_lower`, `initial_state_upper`], by default [-0.05, 0.05].
///
/// **Episode end.** Terminated when, after the step, |cart position| > 2.4 m or
/// |pole angle| > 12 * 2 * pi / 360 rad (12 degrees). Truncated after 500 steps.
///
/// **Dynamics.** Explicit Euler by default: positions advance with the velocities from before
/// the step, then the velocities advance. `Params.integrator` selects semi-implicit Euler
/// instead, which advances the velocities first.
///
/// **Departures from Gymnasium.** Total mass and pole mass times half length are computed from
/// the context on every step. Gymnasium computes them once at construction, so changing
/// `masspole` or `length` afterwards keeps stale physics there. A step taken from a state that
/// is already terminal returns reward 0 and `terminated` true while the physics still
/// advance. Gymnasium returns reward 0 with a warning only while the state stays out of
/// bounds, and reward 1 with `terminated` false if it comes back.
///
/// **Departures from CARL.** The reset bounds default to Gymnasium's ±0.05 where CARL uses
/// ±0.1. Features that CARL leaves unbounded above get ten times their default as the upper
/// bound.
public enum CartPole: ContextualEnvironment {
    public typealias Action = Int

    /// The integration scheme of the equations of motion.
    public enum Integrator: String, Hashable, Sendable, CaseIterable {
        /// Positions advance with the old velocities (Gymnasium's default, `"euler"`).
        case euler
        /// Velocities advance first and positions use the new velocities.
        case semiImplicitEuler = "semi-implicit-euler"
    }

    // MARK: - Declaration

    public static let contextSpace = ContextSpace(
        environment: "cartpole",
        features: [
            ContextFeature(
                name: "gravity", defaultValue: 9.8, lowerBound: 0.1, upperBound: 98,
                unit: "m/s^2", effects: [.dynamics],
                summary: "gravitational acceleration"),
            ContextFeature(
                name: "masscart", defaultValue: 1.0, lowerBound: 0.1, upperBound: 10,
                unit: "kg", effects: [.dynamics], summary: "mass of the cart"),
            ContextFeature(
                name: "masspole", defaultValue: 0.1, lowerBound: 0.01, upperBound: 1,
                unit: "kg", effects: [.dynamics], summary: "mass of the pole"),
            ContextFeature(
                name: "length", defaultValue: 0.5, lowerBound: 0.05, upperBound: 5,
                unit: "m", effects: [.dynamics],
                summary: "half the pole length (also the drawn pole)"),
            ContextFeature(
                name: "force_mag", defaultValue: 10, lowerBound: 1, upperBound: 100,
                unit: "N", effects: [.dynamics], summary: "force of one push"),
            ContextFeature(
                name: "tau", defaultValue: 0.02, lowerBound: 0.002, upperBound: 0.2,
                unit: "s", effects: [.dynamics], summary: "time step"),
            ContextFeature(
                name: "initial_state_lower", defaultValue: -0.05, lowerBound: -0.2,
                upperBound: 0, unit: "m, m/s, rad, rad/s", effects: [.reset],
                summary: "lower bound of every state component at reset"),
            ContextFeature(
                name: "initial_state_upper", defaultValue: 0.05, lowerBound: 0,
                upperBound: 0.2, unit: "m, m/s, rad, rad/s", effects: [.reset],
                summary: "upper bound of every state component at reset"),
        ])

    public static var kind: EnvironmentKind { .cartpole }
    public static var observationSize: Int { 4 }
    public static var actionSpace: ActionSpace { .discrete(count: 2) }
    public static var timeLimit: Int { 500 }
    public static var stateNames: [String] {
        ["cart_position", "cart_velocity", "pole_angle", "pole_angular_velocity"]
    }

    /// The cart position beyond which an episode terminates, in m.
    @inlinable public static var positionThreshold: Double { 2.4 }
    /// The pole angle beyond which an episode terminates: 12 degrees in rad.
    @inlinable public static var angleThreshold: Double { 12 * 2 * Double.pi / 360 }

    // MARK: - Params and state

    /// The physical parameters of one cart-pole.
    public struct Params: EnvironmentParams {
        /// Gravitational acceleration in m/s^2 (`gravity`).
        public var gravity: Double
        /// Mass of the cart in kg (`masscart`).
        public var cartMass: Double
        /// Mass of the pole in kg (`masspole`).
        public var poleMass: Double
        /// Half the pole length in m (`length`).
        public var halfPoleLength: Double
        /// Force of one push in N (`force_mag`).
        public var forceMagnitude: Double
        /// Time step in s (`tau`).
        public var timeStep: Double
        /// Lower bound of every state component at reset (`initial_state_lower`).
        public var initialStateLower: Double
        /// Upper bound of every state component at reset (`initial_state_upper`).
        public var initialStateUpper: Double
        /// The integration scheme; not a context feature.
        public var integrator: Integrator = .euler

        public init(context: Context) throws {
            let context = try CartPole.contextSpace.validated(context)
            gravity = context["gravity"]
            cartMass = context["masscart"]
            poleMass = context["masspole"]
            halfPoleLength = context["length"]
            forceMagnitude = context["force_mag"]
            timeStep = context["tau"]
            initialStateLower = context["initial_state_lower"]
            initialStateUpper = context["initial_state_upper"]
        }

        /// Mass of cart and pole in kg.
        @inlinable public var totalMass: Double { poleMass + cartMass }
        /// Pole mass times half the pole length in kg m.
        @inlinable public var poleMassLength: Double { poleMass * halfPoleLength }
    }

    /// The state of one cart-pole.
    public struct State: Equatable, Sendable {
        /// Cart position in m.
        public var cartPosition: Double
        /// Cart velocity in m/s.
        public var cartVelocity: Double
        /// Pole angle from upright in rad, positive clockwise.
        public var poleAngle: Double
        /// Pole angular velocity in rad/s.
        public var poleAngularVelocity: Double

        @inlinable
        public init(
            cartPosition: Double, cartVelocity: Double, poleAngle: Double,
            poleAngularVelocity: Double
        ) {
            self.cartPosition = cartPosition
            self.cartVelocity = cartVelocity
            self.poleAngle = poleAngle
            self.poleAngularVelocity = poleAngularVelocity
        }
    }

    // MARK: - Reset and step

    @inlinable
    public static func reset(params: Params, rng: inout RandomStream) -> State {
        let lower = params.initialStateLower
        let upper = params.initialStateUpper
        let cartPosition = rng.uniform(lower, upper)
        let cartVelocity = rng.uniform(lower, upper)
        let poleAngle = rng.uniform(lower, upper)
        let poleAngularVelocity = rng.uniform(lower, upper)
        return State(
            cartPosition: cartPosition, cartVelocity: cartVelocity, poleAngle: poleAngle,
            poleAngularVelocity: poleAngularVelocity)
    }

    /// Returns whether `state` lies outside the track or the angle limit.
    @inlinable
    public static func isTerminal(_ state: State) -> Bool {
        state.cartPosition < -positionThreshold || state.cartPosition > positionThreshold
            || state.poleAngle < -angleThreshold || state.poleAngle > angleThreshold
    }

    @inlinable
    public static func step(
        state: State, action: Int, params: Params, rng: inout RandomStream
    ) -> StepOutcome<State> {
        let alreadyTerminal = isTerminal(state)
        let next = integrate(state: state, action: action, params: params)
        if alreadyTerminal {
            return StepOutcome(state: next, reward: 0, terminated: true)
        }
        return StepOutcome(state: next, reward: 1, terminated: isTerminal(next))
    }

    /// Advances the equations of motion by one time step.
    ///
    /// The accelerations follow Gymnasium's `CartPoleEnv.step` operation by operation, so that
    /// the rounding matches:
    ///
    /// ```
    /// temp     = (F + m_p l thetaDot^2 sin(theta)) / M
    /// thetaAcc = (g sin(theta) - cos(theta) temp) / (l (4/3 - m_p cos(theta)^2 / M))
    /// xAcc     = temp - m_p l thetaAcc cos(theta) / M
    /// ```
    ///
    /// with `M` the total mass and `l` half the pole length.
    @inlinable
    public static func integrate(state: State, action: Int, params: Params) -> State {
        let force = action == 1 ? params.forceMagnitude : -params.forceMagnitude
        let totalMass = params.totalMass
        let poleMassLength = params.poleMassLength
        let cosTheta = Foundation.cos(state.poleAngle)
        let sinTheta = Foundation.sin(state.poleAngle)
        let thetaDot = state.poleAngularVelocity

        let temp = (force + poleMassLength * (thetaDot * thetaDot) * sinTheta) / totalMass
        let inertiaFactor = 4.0 / 3.0 - params.poleMass * (cosTheta * cosTheta) / totalMass
        let thetaAcc =
            (params.gravity * sinTheta - cosTheta * temp) / (params.halfPoleLength * inertiaFactor)
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass

        let tau = params.timeStep
        var next = state
        switch params.integrator {
        case .euler:
            next.cartPosition = state.cartPosition + tau * state.cartVelocity
            next.cartVelocity = state.cartVelocity + tau * xAcc
            next.poleAngle = state.poleAngle + tau * thetaDot
            next.poleAngularVelocity = thetaDot + tau * thetaAcc
        case .semiImplicitEuler:
            next.cartVelocity = state.cartVelocity + tau * xAcc
            next.cartPosition = state.cartPosition + tau * next.cartVelocity
            next.poleAngularVelocity = thetaDot + tau * thetaAcc
            next.poleAngle = state.poleAngle + tau * next.poleAngularVelocity
        }
        return next
    }

    // MARK: - Conversions

    @inlinable
    public static func writeObservation(
        of state: State, to observation: UnsafeMutablePointer<Float>
    ) {
        observation[0] = Float(state.cartPosition)
        observation[1] = Float(state.cartVelocity)
        observation[2] = Float(state.poleAngle)
        observation[3] = Float(state.poleAngularVelocity)
    }

    @inlinable
    public static func action(from value: Double) -> Int? {
        value == 0 || value == 1 ? Int(value) : nil
    }

    public static func actionBounds(params: Params) -> (lower: [Double], upper: [Double]) {
        ([], [])
    }

    public static func stateValues(of state: State) -> [Double] {
        [state.cartPosition, state.cartVelocity, state.poleAngle, state.poleAngularVelocity]
    }

    public static func state(values: [Double]) -> State? {
        guard values.count == 4, values.allSatisfy(\.isFinite) else { return nil }
        return State(
            cartPosition: values[0], cartVelocity: values[1], poleAngle: values[2],
            poleAngularVelocity: values[3])
    }
}
