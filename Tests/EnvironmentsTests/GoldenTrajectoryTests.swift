import Environments
import Foundation
import Numerics
import XCTest

/// Replays trajectories recorded from Gymnasium 1.4.0 by `scripts/make_fixtures.py` and
/// compares every step: state within 1e-9, observation exactly as `Float`, reward within
/// 1e-9, terminated and truncated exactly.
final class GoldenTrajectoryTests: XCTestCase {
    func testCartPole() throws {
        try replay(CartPole.self, fixture: "cartpole", configure: configureIntegrator)
    }

    func testPendulum() throws {
        try replay(Pendulum.self, fixture: "pendulum")
    }

    func testMountainCar() throws {
        try replay(MountainCar.self, fixture: "mountaincar")
    }

    func testMountainCarContinuous() throws {
        try replay(MountainCarContinuous.self, fixture: "mountaincar-continuous")
    }

    func testAcrobot() throws {
        try replay(Acrobot.self, fixture: "acrobot")
    }

    /// The vectorized CartPole, which computes sine and cosine with its own polynomial, runs
    /// the four trajectories as four copies in one SIMD group.
    func testVectorizedCartPole() throws {
        let fixture = try Fixture.load("cartpole")
        let contexts = try fixture.trajectories.map { try $0.validatedContext(CartPole.self) }
        var params = try contexts.map { try CartPole.Params(context: $0) }
        for index in params.indices {
            configureIntegrator(&params[index], fixture.trajectories[index])
        }
        let environment = VectorizedEnvironment<CartPole>(
            params: params, contexts: contexts, seed: 0)
        _ = environment.reset()
        var cursors = fixture.trajectories.map { _ in (episode: 0, step: 0) }
        for (copy, trajectory) in fixture.trajectories.enumerated() {
            environment.reset(copy: copy, to: CartPole.state(values: trajectory.episodes[0].start)!)
        }
        var result = VectorStep(count: params.count, observationSize: 4)
        let totalSteps = fixture.trajectories[0].episodes.reduce(0) { $0 + $1.actions.count }

        for _ in 0..<totalSteps {
            let actions = fixture.trajectories.indices.map { copy in
                let cursor = cursors[copy]
                return fixture.trajectories[copy].episodes[cursor.episode].actions[cursor.step]
            }
            environment.step(actions, into: &result)
            for (copy, trajectory) in fixture.trajectories.enumerated() {
                let (episodeIndex, stepIndex) = cursors[copy]
                let episode = trajectory.episodes[episodeIndex]
                let expected = episode.state(at: stepIndex, width: 4)
                let isLast = stepIndex == episode.actions.count - 1
                for component in 0..<4 {
                    let observed = Double(result.finalObservations[copy * 4 + component])
                    XCTAssertEqual(Float(observed), Float(expected[component]))
                }
                XCTAssertEqual(result.rewards[copy], episode.rewards[stepIndex])
                XCTAssertEqual(result.terminated[copy], isLast && episode.terminated)
                if isLast {
                    cursors[copy] = (episodeIndex + 1, 0)
                    if episodeIndex + 1 < trajectory.episodes.count {
                        let start = trajectory.episodes[episodeIndex + 1].start
                        environment.reset(copy: copy, to: CartPole.state(values: start)!)
                    }
                } else {
                    let state = environment.states[copy]
                    for (value, target) in zip(CartPole.stateValues(of: state), expected) {
                        XCTAssertEqual(value, target, accuracy: 1e-9)
                    }
                    cursors[copy] = (episodeIndex, stepIndex + 1)
                }
            }
        }
    }

    // MARK: - Replaying

    func configureIntegrator(_ params: inout CartPole.Params, _ trajectory: Trajectory) {
        params.integrator = CartPole.Integrator(rawValue: trajectory.integrator)!
    }

    /// Steps `Environment` through every episode of the fixture from its recorded start.
    func replay<Environment: ContextualEnvironment>(
        _ type: Environment.Type, fixture name: String,
        configure: (inout Environment.Params, Trajectory) -> Void = { _, _ in }
    ) throws {
        let fixture = try Fixture.load(name)
        XCTAssertEqual(fixture.gymnasium, "1.4.0")
        XCTAssertEqual(fixture.environment, Environment.kind.rawValue)
        let width = Environment.stateNames.count
        var rng = RandomStream(seed: 0)
        var stepCount = 0

        for trajectory in fixture.trajectories {
            var params = try Environment.Params(
                context: try trajectory.validatedContext(Environment.self))
            configure(&params, trajectory)
            for episode in trajectory.episodes {
                var state = try XCTUnwrap(Environment.state(values: episode.start))
                assertObservation(
                    Environment.observation(of: state), trigonometric: episode.startObservation,
                    state: episode.start)
                for (index, value) in episode.actions.enumerated() {
                    let action = try XCTUnwrap(Environment.action(from: value))
                    let outcome: StepOutcome<Environment.State>
                    if let noise = episode.noise {
                        // Gymnasium's own torque noise, so that the dynamics can be compared.
                        let acrobot = Acrobot.step(
                            state: state as! Acrobot.State,
                            torque: Double(action as! Int - 1) + noise[index],
                            params: params as! Acrobot.Params)
                        outcome = StepOutcome(
                            state: acrobot.state as! Environment.State, reward: acrobot.reward,
                            terminated: acrobot.terminated)
                    } else {
                        outcome = Environment.step(
                            state: state, action: action, params: params, rng: &rng)
                    }
                    state = outcome.state
                    stepCount += 1

                    let expected = episode.state(at: index, width: width)
                    let values = Environment.stateValues(of: state)
                    for (value, target) in zip(values, expected) {
                        XCTAssertEqual(value, target, accuracy: 1e-9, "\(name) step \(stepCount)")
                    }
                    assertObservation(
                        Environment.observation(of: state),
                        trigonometric: episode.observations(at: index), state: expected)
                    XCTAssertEqual(
                        outcome.reward, episode.rewards[index], accuracy: 1e-9,
                        "\(name) step \(stepCount)")
                    let isLast = index == episode.actions.count - 1
                    XCTAssertEqual(outcome.terminated, isLast && episode.terminated)
                    let truncated = index + 1 >= Environment.timeLimit
                    XCTAssertEqual(truncated, isLast && episode.truncated)
                }
            }
        }
        XCTAssertEqual(stepCount, fixture.trajectories.count * 300)
    }

    /// Checks the observation: trigonometric components against Gymnasium's `float32`
    /// values, the components after them against the trailing state components rounded to
    /// `Float`.
    func assertObservation(
        _ observation: [Float], trigonometric: [Float]?, state: [Double]? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let trigonometric = trigonometric ?? []
        for (index, expected) in trigonometric.enumerated() {
            XCTAssertEqual(observation[index], expected, file: file, line: line)
        }
        guard let state else { return }
        let copied = state.suffix(observation.count - trigonometric.count)
        for (index, expected) in zip(trigonometric.count..., copied) {
            XCTAssertEqual(observation[index], Float(expected), file: file, line: line)
        }
    }
}

// MARK: - Fixture files

/// One fixture file: the trajectories of one environment.
struct Fixture: Decodable {
    let gymnasium: String
    let environment: String
    let trajectories: [Trajectory]

    /// Decodes `Fixtures/NAME.json` from the test bundle.
    static func load(_ name: String) throws -> Fixture {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        var fixture = try JSONDecoder().decode(Fixture.self, from: data)
        if name == "mountaincar-continuous" {
            // Gymnasium stores these states in float32, so decoding them as Float is exact.
            let single = try JSONDecoder().decode(SinglePrecisionFixture.self, from: data)
            fixture = fixture.replacingStates(with: single)
        }
        return fixture
    }

    func replacingStates(with single: SinglePrecisionFixture) -> Fixture {
        let trajectories = zip(self.trajectories, single.trajectories).map { full, short in
            var copy = full
            copy.episodes = zip(full.episodes, short.episodes).map { episode, states in
                var episode = episode
                episode.states = states.states.map(Double.init)
                return episode
            }
            return copy
        }
        return Fixture(gymnasium: gymnasium, environment: environment, trajectories: trajectories)
    }
}

/// One trajectory: a context and the episodes stepped in it.
struct Trajectory: Decodable {
    let context: [String: Double]
    let integrator: String
    var episodes: [Episode]

    /// Returns the context, validated against `Environment`'s declared features.
    func validatedContext<Environment: ContextualEnvironment>(
        _ type: Environment.Type
    ) throws -> Context {
        let names = context.keys.sorted()
        return try Environment.contextSpace.validated(
            Context(names: names, values: names.map { context[$0]! }))
    }
}

/// One episode from an explicit start.
struct Episode: Decodable {
    let start: [Double]
    let actions: [Double]
    /// The states after each step, flattened.
    var states: [Double]
    let rewards: [Double]
    let terminated: Bool
    let truncated: Bool
    /// Observation components that are not copies of the state, at the start.
    let startObservation: [Float]?
    /// The same components after each step, flattened.
    let observations: [Float]?
    /// Acrobot's torque noise of each step, when the context has noise.
    let noise: [Double]?

    enum CodingKeys: String, CodingKey {
        case start, actions, states, rewards, terminated, truncated, observations, noise
        case startObservation = "start_observation"
    }

    /// Returns the state after step `index`.
    func state(at index: Int, width: Int) -> [Double] {
        Array(states[(index * width)..<((index + 1) * width)])
    }

    /// Returns the recorded observation components after step `index`, if any were recorded.
    func observations(at index: Int) -> [Float]? {
        guard let observations else { return nil }
        let width = observations.count / actions.count
        return Array(observations[(index * width)..<((index + 1) * width)])
    }
}

/// The states of MountainCarContinuous fixtures, decoded as `Float`.
struct SinglePrecisionFixture: Decodable {
    struct Trajectory: Decodable {
        let episodes: [Episode]
    }

    struct Episode: Decodable {
        let states: [Float]
    }

    let trajectories: [Trajectory]
}
