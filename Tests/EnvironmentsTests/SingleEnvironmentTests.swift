import Environments
import Numerics
import XCTest

final class SingleEnvironmentTests: XCTestCase {
    func testExplicitState() throws {
        let environment = try makeCartPole()
        let start = try environment.reset(state: [0, 0, 0.05, 0])
        XCTAssertEqual(start.elapsedSteps, 0)
        XCTAssertEqual(start.state, [0, 0, 0.05, 0])
        XCTAssertEqual(start.observation, [0, 0, 0.05, 0])
        XCTAssertEqual(start.reward, 0)
        XCTAssertFalse(start.terminated)
        XCTAssertFalse(start.truncated)
    }

    func testStepRecord() throws {
        let environment = try makeCartPole()
        try environment.reset(state: [0, 0, 0.05, 0])
        let step = try environment.step(action: 1)
        XCTAssertEqual(step.elapsedSteps, 1)
        assertClose(step.state[1], 0.1943705466)
        XCTAssertEqual(step.observation, step.state.map(Float.init))
        XCTAssertEqual(step.reward, 1)
        XCTAssertEqual(environment.elapsedSteps, 1)
    }

    func testDrawnStateFollowsSeed() throws {
        let first = try makeCartPole(seed: 8).reset(state: nil)
        let second = try makeCartPole(seed: 8).reset(state: nil)
        var stream = RandomStream(seed: 8)
        let expected = CartPole.reset(params: CartPole.defaultParams, rng: &stream)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.state, CartPole.stateValues(of: expected))
    }

    func testInvalidStateRejected() throws {
        let environment = try makeCartPole()
        XCTAssertThrowsError(try environment.reset(state: [0, 0, 0])) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("cartpole"), message)
            XCTAssertTrue(message.contains("4 finite numbers"), message)
            XCTAssertTrue(message.contains("pole_angle"), message)
        }
        XCTAssertThrowsError(try environment.reset(state: [0, .nan, 0, 0]))
        XCTAssertThrowsError(try environment.reset(state: [0, 0, .infinity, 0]))
    }

    func testInvalidActionRejected() throws {
        let cartPole = try makeCartPole()
        try cartPole.reset(state: nil)
        XCTAssertThrowsError(try cartPole.step(action: 2)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("cartpole action 2.0"), message)
            XCTAssertTrue(message.contains("0 to 1"), message)
        }
        XCTAssertThrowsError(try cartPole.step(action: 0.5))
        let pendulum = try EnvironmentKind.pendulum.makeSingleEnvironment(
            context: Pendulum.contextSpace.defaultContext, seed: 0)
        try pendulum.reset(state: nil)
        XCTAssertThrowsError(try pendulum.step(action: .nan))
        XCTAssertNoThrow(try pendulum.step(action: 7))
    }

    func testTruncatesAtTimeLimit() throws {
        let environment = try EnvironmentKind.pendulum.makeSingleEnvironment(
            context: Pendulum.contextSpace.defaultContext, seed: 0)
        try environment.reset(state: nil)
        for step in 1...Pendulum.timeLimit {
            let record = try environment.step(action: 0)
            XCTAssertEqual(record.truncated, step == Pendulum.timeLimit, "step \(step)")
            XCTAssertFalse(record.terminated)
        }
        try environment.reset(state: nil)
        XCTAssertEqual(environment.elapsedSteps, 0)
    }

    func testStepAfterTerminationEarnsNothing() throws {
        let environment = try makeCartPole()
        try environment.reset(state: [0, 0, 0.2, 0.5])
        let ending = try environment.step(action: 1)
        let after = try environment.step(action: 1)
        XCTAssertTrue(ending.terminated)
        XCTAssertEqual(ending.reward, 1)
        XCTAssertTrue(after.terminated)
        XCTAssertEqual(after.reward, 0)
    }

    func testContextIsCompleted() throws {
        let environment = try EnvironmentKind.acrobot.makeSingleEnvironment(
            context: Context(names: ["link_mass_2"], values: [2]), seed: 0)
        XCTAssertEqual(environment.context.names.count, 10)
        XCTAssertEqual(environment.context["link_mass_2"], 2)
        XCTAssertEqual(environment.kind, .acrobot)
    }

    func makeCartPole(seed: UInt64 = 0) throws -> SingleEnvironment {
        try EnvironmentKind.cartpole.makeSingleEnvironment(
            context: CartPole.contextSpace.defaultContext, seed: seed)
    }
}
