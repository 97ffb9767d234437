import Foundation
import Numerics

/// A car in a valley between two hills, too weak to climb the right hill directly. The agent
/// must rock it back and forth to reach the flag (Moore, 1990; Gymnasium 1.4.0
/// `MountainCar-v0`).
///
/// **Action space.** `Discrete(3)`: 0 accelerates left, 1 does nothing, 2 accelerates right.
///
/// **Observation.** The state rounded to `Float`:
///
/// | index | observation | range                              |
/// |-------|-------------|------------------------------------|
/// | 0     | position    | [`min_position`, `max_position`]   |
/// | 1     | velocity    | ±`max_speed`                       |
///
/// Positions and velocities are in the track's own units: the track height is
/// `0.45 sin(3 x) + 0.55` and one step is one unit of time.
///
/// **Reward.** -1 on every step, including the step that reaches the goal.
///
/// **Starting state.** Position uniform in [`min_position_start`, `max_position_start`]
/// (default [-0.6, -0.4]), velocity 0.
///
/// **Episode end.** Terminated when position >= `goal_position` and velocity >=
/// `goal_velocity`. Truncated after 200 steps.
///
/// **Dynamics.**
///
/// ```
/// v' = clip(v + (a - 1) force - cos(3 x) gravity, ±max_speed)
/// x' = clip(x + v', min_position, max_position)
/// v' = 0 if x' == min_position and v' < 0
/// ```
///
/// **Departures from Gymnasium.** The reset interval is a context feature. Gymnasium takes it
/// as a reset option.
///
/// **Departures from CARL.** `goal_position` defaults to Gymnasium's 0.5 (CARL 1.x uses 0.45).
/// CARL's `min_velocity_start` and `max_velocity_start` are not features, so the starting
/// velocity is always 0. CARL leaves most features unbounded, and the bounds here keep
/// left wall < start < goal < right wall for every context in the box.
public enum MountainCar: ContextualEnvironment {
    public typealias Action = Int

    // MARK: - Declaration

    public static let contextSpace = ContextSpace(
        environment: "mountaincar",
        features: MountainCarTrack.features(
            goalPosition: 0.5, thrustName: "force", thrustDefault: 0.001,
            thrustSummary: "acceleration of one push"))

    public static var kind: EnvironmentKind { .mountainCar }
    public static var observationSize: Int { 2 }
    public static var actionSpace: ActionSpace { .discrete(count: 3) }
    public static var timeLimit: Int { 200 }
    public static var stateNames: [String] { ["position", "velocity"] }

    // MARK: - Params and state

    /// The track and engine of one mountain car.
    public struct Params: EnvironmentParams {
        /// The shared track features.
        public var track: MountainCarTrack
        /// Acceleration of one push per step (`force`).
        public var force: Double

        public init(context: Context) throws {
            let context = try MountainCar.contextSpace.validated(context)
            track = MountainCarTrack(context: context)
            force = context["force"]
        }
    }

    /// The state of one mountain car.
    public struct State: Equatable, Sendable {
        /// Position along the track.
        public var position: Double
        /// Velocity in position units per step.
        public var velocity: Double

        @inlinable
        public init(position: Double, velocity: Double) {
            self.position = position
            self.velocity = velocity
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
        state: State, action: Int, params: Params, rng: inout RandomStream
    ) -> StepOutcome<State> {
        let track = params.track
        let push = Double(action - 1) * params.force
        var velocity =
            state.velocity + (push + Foundation.cos(3 * state.position) * (-track.gravity))
        velocity = min(max(velocity, -track.maxSpeed), track.maxSpeed)
        var position = state.position + velocity
        position = min(max(position, track.minPosition), track.maxPosition)
        if position == track.minPosition && velocity < 0 {
            velocity = 0
        }
        let terminated = position >= track.goalPosition && velocity >= track.goalVelocity
        let next = State(position: position, velocity: velocity)
        return StepOutcome(state: next, reward: -1, terminated: terminated)
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
    public static func action(from value: Double) -> Int? {
        value == 0 || value == 1 || value == 2 ? Int(value) : nil
    }

    public static func actionBounds(params: Params) -> (lower: [Double], upper: [Double]) {
        ([], [])
    }

    public static func stateValues(of state: State) -> [Double] {
        [state.position, state.velocity]
    }

    public static func state(values: [Double]) -> State? {
        guard values.count == 2, values.allSatisfy(\.isFinite) else { return nil }
        return State(position: values[0], velocity: values[1])
    }
}

// MARK: - Shared track

/// The track, goal and gravity shared by MountainCar and MountainCarContinuous.
public struct MountainCarTrack: Hashable, Sendable {
    /// Position of the left wall (`min_position`).
    public var minPosition: Double
    /// Position of the right wall (`max_position`).
    public var maxPosition: Double
    /// Speed limit per step (`max_speed`).
    public var maxSpeed: Double
    /// Goal position (`goal_position`).
    public var goalPosition: Double
    /// Smallest velocity that counts at the goal (`goal_velocity`).
    public var goalVelocity: Double
    /// Gravity term per step (`gravity`).
    public var gravity: Double
    /// Lower end of the starting position interval (`min_position_start`).
    public var minStartPosition: Double
    /// Upper end of the starting position interval (`max_position_start`).
    public var maxStartPosition: Double

    /// Reads the track features from a validated, complete context.
    init(context: Context) {
        minPosition = context["min_position"]
        maxPosition = context["max_position"]
        maxSpeed = context["max_speed"]
        goalPosition = context["goal_position"]
        goalVelocity = context["goal_velocity"]
        gravity = context["gravity"]
        minStartPosition = context["min_position_start"]
        maxStartPosition = context["max_position_start"]
    }

    /// Returns the context features of a mountain car with the given goal and thrust feature.
    ///
    /// The bounds nest: left wall in [-1.5, -0.9], start in [-0.9, 0], goal in [0, 0.6] and
    /// right wall in [0.6, 1.2]. Every context in the box therefore has its start between the
    /// walls and left of the goal. The left hilltop of the track lies at -pi/2 and the right
    /// one at pi/6, so the walls stay near the hills.
    static func features(
        goalPosition: Double, thrustName: String, thrustDefault: Double, thrustSummary: String
    ) -> [ContextFeature] {
        [
            ContextFeature(
                name: "min_position", defaultValue: -1.2, lowerBound: -1.5, upperBound: -0.9,
                unit: "", effects: [.dynamics], summary: "position of the left wall"),
            ContextFeature(
                name: "max_position", defaultValue: 0.6, lowerBound: 0.6, upperBound: 1.2,
                unit: "", effects: [.dynamics], summary: "position of the right wall"),
            ContextFeature(
                name: "max_speed", defaultValue: 0.07, lowerBound: 0.007, upperBound: 0.7,
                unit: "1/step", effects: [.dynamics], summary: "speed limit"),
            ContextFeature(
                name: "goal_position", defaultValue: goalPosition, lowerBound: 0,
                upperBound: 0.6, unit: "", effects: [.termination],
                summary: "position to reach"),
            ContextFeature(
                name: "goal_velocity", defaultValue: 0, lowerBound: -0.07, upperBound: 0.07,
                unit: "1/step", effects: [.termination],
                summary: "smallest velocity that counts at the goal"),
            ContextFeature(
                name: thrustName, defaultValue: thrustDefault, lowerBound: thrustDefault / 10,
                upperBound: thrustDefault * 10, unit: "1/step^2", effects: [.dynamics],
                summary: thrustSummary),
            ContextFeature(
                name: "gravity", defaultValue: 0.0025, lowerBound: 0, upperBound: 0.025,
                unit: "1/step^2", effects: [.dynamics], summary: "strength of the slope"),
            ContextFeature(
                name: "min_position_start", defaultValue: -0.6, lowerBound: -0.9,
                upperBound: 0, unit: "", effects: [.reset],
                summary: "lower end of the starting position interval"),
            ContextFeature(
                name: "max_position_start", defaultValue: -0.4, lowerBound: -0.9,
                upperBound: 0, unit: "", effects: [.reset],
                summary: "upper end of the starting position interval"),
        ]
    }
}
