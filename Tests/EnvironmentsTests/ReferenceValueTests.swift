import Environments
import Foundation
import Numerics
import XCTest

/// One-step checks against values computed with Gymnasium 1.4.0 in double precision.
///
/// The expected values are printed to ten significant digits, so comparisons allow a relative
/// error of 1e-9.
final class ReferenceValueTests: XCTestCase {
    var rng = RandomStream(seed: 0)

    // MARK: - CartPole

    func testCartPoleExplicitEuler() throws {
        let params = try CartPole.Params(context: CartPole.contextSpace.defaultContext)
        let outcome = CartPole.step(
            state: cartPole(0, 0, 0.05, 0), action: 1, params: params, rng: &rng)
        assertState(outcome.state, [0, 0.1943705466, 0.05, -0.2764975753])
        XCTAssertEqual(outcome.reward, 1)
        XCTAssertFalse(outcome.terminated)
    }

    func testCartPoleSemiImplicitEuler() throws {
        var params = try CartPole.Params(context: CartPole.contextSpace.defaultContext)
        params.integrator = .semiImplicitEuler
        let outcome = CartPole.step(
            state: cartPole(0, 0, 0.05, 0), action: 1, params: params, rng: &rng)
        assertState(outcome.state, [0.003887410932, 0.1943705466, 0.04447004849, -0.2764975753])
    }

    func testCartPoleDerivedMassesFollowContext() throws {
        let context = try CartPole.contextSpace.context(
            overriding: ["masspole": 0.5, "length": 0.25])
        let params = try CartPole.Params(context: context)
        let outcome = CartPole.step(
            state: cartPole(0, 0, 0.05, 0), action: 1, params: params, rng: &rng)
        assertState(outcome.state, [0, 0.1743713644, 0.05, -0.4930725853])
        // Masses cached from the default context would give -0.7809546131.
        XCTAssertGreaterThan(abs(outcome.state.poleAngularVelocity + 0.7809546131), 0.1)
    }

    func testCartPoleTerminatingStep() throws {
        let params = CartPole.defaultParams
        let outcome = CartPole.step(
            state: cartPole(0, 0, 0.2, 0.5), action: 1, params: params, rng: &rng)
        XCTAssertTrue(outcome.terminated)
        XCTAssertEqual(outcome.reward, 1)
    }

    func testCartPoleStepAfterTermination() throws {
        let params = CartPole.defaultParams
        let ended = CartPole.step(
            state: cartPole(0, 0, 0.2, 0.5), action: 1, params: params, rng: &rng)
        let after = CartPole.step(state: ended.state, action: 0, params: params, rng: &rng)
        XCTAssertTrue(after.terminated)
        XCTAssertEqual(after.reward, 0)
        XCTAssertNotEqual(after.state, ended.state, "the physics keep running")
    }

    func testCartPoleThresholdsAreStrict() {
        XCTAssertFalse(CartPole.isTerminal(cartPole(2.4, 0, CartPole.angleThreshold, 0)))
        XCTAssertTrue(CartPole.isTerminal(cartPole(2.4.nextUp, 0, 0, 0)))
        XCTAssertTrue(CartPole.isTerminal(cartPole(0, 0, -CartPole.angleThreshold.nextUp, 0)))
    }

    // MARK: - Pendulum

    func testAngleNormalize() {
        assertClose(Pendulum.angleNormalize(-3.5), 2.783185307)
        assertClose(Pendulum.angleNormalize(-7.0), -0.7168146928)
        XCTAssertEqual(Pendulum.angleNormalize(Double.pi), -Double.pi)
        XCTAssertEqual(Pendulum.angleNormalize(-Double.pi), -Double.pi)
        assertClose(Pendulum.angleNormalize(7.0), 7.0 - 2 * Double.pi)
    }

    func testPendulumClipsTorque() throws {
        let outcome = Pendulum.step(
            state: Pendulum.State(angle: 1.0, angularVelocity: 0), action: 5.0,
            params: Pendulum.defaultParams, rng: &rng)
        assertClose(outcome.state.angle, 1.046555162)
        assertClose(outcome.state.angularVelocity, 0.9311032386)
        assertClose(outcome.reward, -1.004)
        XCTAssertFalse(outcome.terminated)
    }

    func testPendulumClipsSpeed() throws {
        let outcome = Pendulum.step(
            state: Pendulum.State(angle: 1.0, angularVelocity: 7.9), action: 2,
            params: Pendulum.defaultParams, rng: &rng)
        XCTAssertEqual(outcome.state.angularVelocity, 8)
        assertClose(outcome.state.angle, 1.4)
        assertClose(outcome.reward, -7.245)
    }

    func testPendulumContext() throws {
        let context = try Pendulum.contextSpace.context(overriding: ["g": 9.81, "m": 0.5, "l": 2])
        let outcome = Pendulum.step(
            state: Pendulum.State(angle: 0.3, angularVelocity: -1.0), action: 1.5,
            params: try Pendulum.Params(context: context), rng: &rng)
        assertClose(outcome.state.angle, 0.2610607248)
        assertClose(outcome.state.angularVelocity, -0.778785504)
        assertClose(outcome.reward, -0.19225)
    }

    // MARK: - MountainCar

    func testMountainCarReachesGoal() throws {
        let outcome = MountainCar.step(
            state: MountainCar.State(position: 0.49, velocity: 0.02), action: 2,
            params: MountainCar.defaultParams, rng: &rng)
        assertClose(outcome.state.position, 0.5107484357)
        assertClose(outcome.state.velocity, 0.02074843567)
        XCTAssertEqual(outcome.reward, -1)
        XCTAssertTrue(outcome.terminated)
    }

    func testMountainCarGoalVelocity() throws {
        let context = try MountainCar.contextSpace.context(overriding: ["goal_velocity": 0.03])
        let outcome = MountainCar.step(
            state: MountainCar.State(position: 0.49, velocity: 0.02), action: 2,
            params: try MountainCar.Params(context: context), rng: &rng)
        XCTAssertFalse(outcome.terminated)
        XCTAssertEqual(outcome.reward, -1)
    }

    func testMountainCarLeftWall() throws {
        let outcome = MountainCar.step(
            state: MountainCar.State(position: -1.19, velocity: -0.05), action: 0,
            params: MountainCar.defaultParams, rng: &rng)
        XCTAssertEqual(outcome.state.position, -1.2)
        XCTAssertEqual(outcome.state.velocity, 0)
    }

    func testMountainCarContext() throws {
        let context = try MountainCar.contextSpace.context(
            overriding: ["force": 0.002, "gravity": 0.005])
        let outcome = MountainCar.step(
            state: MountainCar.State(position: -0.5, velocity: 0), action: 2,
            params: try MountainCar.Params(context: context), rng: &rng)
        assertClose(outcome.state.position, -0.498353686)
        assertClose(outcome.state.velocity, 0.001646313992)
    }

    // MARK: - MountainCarContinuous

    func testMountainCarContinuousSinglePrecision() throws {
        let outcome = MountainCarContinuous.step(
            state: MountainCarContinuous.State(position: 0, velocity: 0), action: 1.5,
            params: MountainCarContinuous.defaultParams, rng: &rng)
        XCTAssertEqual(outcome.state.position, Double(Float(-0.001)))
        XCTAssertEqual(outcome.state.velocity, Double(Float(-0.001)))
        assertClose(outcome.state.position, -0.001000000047)
        XCTAssertTrue(outcome.state.isSinglePrecision)
    }

    func testMountainCarContinuousPenalisesUnclippedAction() throws {
        let outcome = MountainCarContinuous.step(
            state: MountainCarContinuous.State(position: 0, velocity: 0), action: 1.5,
            params: MountainCarContinuous.defaultParams, rng: &rng)
        assertClose(outcome.reward, -0.225)
        XCTAssertFalse(outcome.terminated)
    }

    func testMountainCarContinuousGoalBonus() throws {
        let outcome = MountainCarContinuous.step(
            state: MountainCarContinuous.State(position: 0.44, velocity: 0.02), action: 0.5,
            params: MountainCarContinuous.defaultParams, rng: &rng)
        XCTAssertTrue(outcome.terminated)
        assertClose(outcome.reward, 100 - 0.1 * 0.25)
    }

    // MARK: - Acrobot

    func testAcrobotStep() throws {
        let state = Acrobot.State(
            theta1: 0.1, theta2: -0.2, angularVelocity1: 0.3, angularVelocity2: -0.4)
        let outcome = Acrobot.step(
            state: state, action: 2, params: Acrobot.defaultParams, rng: &rng)
        assertState(
            Acrobot.stateValues(of: outcome.state),
            [0.1282116313, -0.211840321, -0.02348473154, 0.2867952146])
        XCTAssertEqual(outcome.reward, -1)
        XCTAssertFalse(outcome.terminated)
    }

    func testAcrobotWrapsAngles() {
        XCTAssertEqual(Acrobot.wrap(Double.pi), Double.pi)
        assertClose(Acrobot.wrap(3 * Double.pi + 0.5), -Double.pi + 0.5)
        assertClose(Acrobot.wrap(-7), -7 + 2 * Double.pi)
    }

    func testAcrobotTerminalReward() throws {
        let state = Acrobot.State(
            theta1: Double.pi, theta2: 0, angularVelocity1: 0, angularVelocity2: 0)
        let outcome = Acrobot.step(
            state: state, action: 1, params: Acrobot.defaultParams, rng: &rng)
        XCTAssertTrue(outcome.terminated)
        XCTAssertEqual(outcome.reward, 0)
    }

    // MARK: - Python arithmetic

    func testPythonSquareMatchesPow() {
        var stream = RandomStream(seed: 12)
        var plainProductDiffers = 0
        for index in 0..<1_000_000 {
            let magnitude = [1e-3, 1, 10, 1e6][index % 4]
            let x = stream.uniform(-magnitude, magnitude)
            // Tests build without optimization, so this stays a call to the C library.
            let expected = Foundation.pow(x, 2)
            if pythonSquare(x) != expected {
                XCTFail("pythonSquare(\(x)) = \(pythonSquare(x)), pow gives \(expected)")
                return
            }
            if x * x != expected { plainProductDiffers += 1 }
        }
        XCTAssertGreaterThan(plainProductDiffers, 0, "x * x should differ from pow sometimes")
        XCTAssertEqual(pythonSquare(0), 0)
        XCTAssertEqual(pythonSquare(1e-200), Foundation.pow(1e-200, 2))
        XCTAssertEqual(pythonSquare(1e200), .infinity)
        XCTAssertTrue(pythonSquare(.nan).isNaN)
    }

    // MARK: - Helpers

    func cartPole(_ x: Double, _ xDot: Double, _ theta: Double, _ thetaDot: Double)
        -> CartPole.State
    {
        CartPole.State(
            cartPosition: x, cartVelocity: xDot, poleAngle: theta, poleAngularVelocity: thetaDot)
    }

    func assertState(
        _ state: CartPole.State, _ expected: [Double], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        assertState(CartPole.stateValues(of: state), expected, file: file, line: line)
    }

    func assertState(
        _ values: [Double], _ expected: [Double], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(values.count, expected.count, file: file, line: line)
        for (value, target) in zip(values, expected) {
            assertClose(value, target, file: file, line: line)
        }
    }
}

/// Asserts that `value` matches `expected` to a relative error of 1e-9.
func assertClose(
    _ value: Double, _ expected: Double, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(value, expected, accuracy: 1e-9 * abs(expected) + 1e-15, file: file, line: line)
}
