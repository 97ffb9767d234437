@testable import Environments
import Foundation
import Numerics
import XCTest

final class VectorizedEnvironmentTests: XCTestCase {
    // MARK: - Determinism

    func testSeedFixesResets() throws {
        for kind in EnvironmentKind.allCases {
            let contexts = Array(kind.defaultGrid.prefix(5))
            let first = try kind.makeVectorEnvironment(contexts: contexts, seed: 42).reset()
            let second = try kind.makeVectorEnvironment(contexts: contexts, seed: 42).reset()
            let other = try kind.makeVectorEnvironment(contexts: contexts, seed: 43).reset()
            XCTAssertEqual(first, second, "\(kind)")
            XCTAssertNotEqual(first, other, "\(kind)")
        }
    }

    func testCopiesDrawDistinctStreams() throws {
        let context = CartPole.contextSpace.defaultContext
        let environment = try VectorizedEnvironment<CartPole>(
            contexts: Array(repeating: context, count: 3), seed: 5)
        _ = environment.reset()
        let states = environment.states
        XCTAssertNotEqual(states[0], states[1])
        XCTAssertNotEqual(states[1], states[2])
    }

    func testCopyUsesChildStream() throws {
        let contexts = Array(EnvironmentKind.pendulum.defaultGrid.prefix(3))
        let environment = try VectorizedEnvironment<Pendulum>(contexts: contexts, seed: 9)
        _ = environment.reset()
        for (index, context) in contexts.enumerated() {
            var stream = RandomStream(seed: 9).child(index)
            let expected = Pendulum.reset(params: try Pendulum.Params(context: context), rng: &stream)
            XCTAssertEqual(environment.states[index], expected)
        }
    }

    // MARK: - Automatic reset

    func testAutomaticResetKeepsFinalObservation() throws {
        let contexts = Array(repeating: CartPole.contextSpace.defaultContext, count: 5)
        let environment = try VectorizedEnvironment<CartPole>(contexts: contexts, seed: 1)
        _ = environment.reset()
        var result = VectorStep(count: 5, observationSize: 4)
        var sawEnd = false
        for _ in 0..<40 {
            let before = environment.states
            environment.step(Array(repeating: 1, count: 5), into: &result)
            for copy in 0..<5 {
                var scratch = RandomStream(seed: 0)
                let expected = CartPole.step(
                    state: before[copy], action: 1, params: environment.params[copy],
                    rng: &scratch)
                let final = Array(result.finalObservations[(copy * 4)..<(copy * 4 + 4)])
                let current = Array(result.observations[(copy * 4)..<(copy * 4 + 4)])
                XCTAssertEqual(
                    final, CartPole.observation(of: expected.state).map { $0 },
                    "copy \(copy)")
                XCTAssertEqual(result.terminated[copy], expected.terminated)
                if expected.terminated {
                    sawEnd = true
                    XCTAssertNotEqual(current, final)
                    XCTAssertEqual(current, CartPole.observation(of: environment.states[copy]))
                    XCTAssertEqual(environment.elapsedSteps[copy], 0)
                } else {
                    XCTAssertEqual(current, final)
                }
            }
        }
        XCTAssertTrue(sawEnd, "constant pushes end CartPole episodes within 40 steps")
    }

    func testTimeLimitTruncates() throws {
        let contexts = Array(EnvironmentKind.pendulum.defaultGrid.prefix(3))
        let environment = try VectorizedEnvironment<Pendulum>(contexts: contexts, seed: 2)
        _ = environment.reset()
        var result = VectorStep(count: 3, observationSize: 3)
        for step in 1...Pendulum.timeLimit {
            environment.step([0.5, -1, 2], into: &result)
            let atLimit = step == Pendulum.timeLimit
            XCTAssertEqual(result.truncated, [atLimit, atLimit, atLimit], "step \(step)")
            XCTAssertEqual(result.terminated, [false, false, false])
        }
        XCTAssertEqual(environment.elapsedSteps, [0, 0, 0])
        XCTAssertNotEqual(result.observations, result.finalObservations)
    }

    func testActionBoundsFollowContext() throws {
        let context = try Pendulum.contextSpace.context(overriding: ["max_torque": 3])
        let environment = try EnvironmentKind.pendulum.makeVectorEnvironment(
            contexts: [Pendulum.contextSpace.defaultContext, context], seed: 0)
        XCTAssertEqual(environment.actionBounds(copy: 0).upper, [2])
        XCTAssertEqual(environment.actionBounds(copy: 1).lower, [-3])
        XCTAssertEqual(environment.actionBounds(copy: 1).upper, [3])
        let discrete = try EnvironmentKind.acrobot.makeVectorEnvironment(
            contexts: [Acrobot.contextSpace.defaultContext], seed: 0)
        XCTAssertEqual(discrete.actionBounds(copy: 0).lower, [])
    }

    // MARK: - Agreement with single copies

    /// Runs six copies (one CartPole SIMD group and a partial one) next to six single copies
    /// on the same streams and actions, resetting both the same way.
    func testMatchesSingleCopies() throws {
        try compareWithSingleCopies(CartPole.self, tolerance: 1e-9)
        try compareWithSingleCopies(Pendulum.self, tolerance: 0)
        try compareWithSingleCopies(MountainCar.self, tolerance: 0)
        try compareWithSingleCopies(MountainCarContinuous.self, tolerance: 0)
        try compareWithSingleCopies(Acrobot.self, tolerance: 0)
    }

    func compareWithSingleCopies<Environment: ContextualEnvironment>(
        _ type: Environment.Type, tolerance: Double
    ) throws {
        let kind = Environment.kind
        let grid = kind.defaultGrid
        var contexts = [0, 4, 9, 14, 19].map { grid[$0] }
        contexts.append(
            try kind.contextSpace.context(
                overriding: [kind.contextSpace.features.last!.name:
                    kind.contextSpace.features.last!.upperBound]))
        let count = contexts.count
        let environment = try VectorizedEnvironment<Environment>(contexts: contexts, seed: 11)
        _ = environment.reset()
        let params = try contexts.map { try Environment.Params(context: $0) }
        var streams = (0..<count).map { RandomStream(seed: 11).child($0) }
        var states = (0..<count).map { Environment.reset(params: params[$0], rng: &streams[$0]) }
        var elapsed = Array(repeating: 0, count: count)
        var actionStream = RandomStream(seed: 3)
        var result = VectorStep(count: count, observationSize: Environment.observationSize)

        for step in 0..<1500 {
            let actions = (0..<count).map { copy -> Double in
                let bounds = Environment.actionBounds(params: params[copy])
                if case .discrete(let actionCount) = Environment.actionSpace {
                    return Double(actionStream.integer(below: actionCount))
                }
                return actionStream.uniform(1.2 * bounds.lower[0], 1.2 * bounds.upper[0])
            }
            environment.step(actions, into: &result)
            for copy in 0..<count {
                let outcome = Environment.step(
                    state: states[copy], action: Environment.action(from: actions[copy])!,
                    params: params[copy], rng: &streams[copy])
                elapsed[copy] += 1
                let truncated = elapsed[copy] >= Environment.timeLimit
                XCTAssertEqual(result.rewards[copy], outcome.reward, "\(kind) step \(step)")
                XCTAssertEqual(result.terminated[copy], outcome.terminated, "\(kind) \(step)")
                XCTAssertEqual(result.truncated[copy], truncated, "\(kind) step \(step)")
                if outcome.terminated || truncated {
                    states[copy] = Environment.reset(params: params[copy], rng: &streams[copy])
                    elapsed[copy] = 0
                } else {
                    states[copy] = outcome.state
                }
                let expected = Environment.stateValues(of: states[copy])
                let actual = Environment.stateValues(of: environment.states[copy])
                for (value, target) in zip(actual, expected) {
                    XCTAssertEqual(value, target, accuracy: tolerance, "\(kind) step \(step)")
                }
                if tolerance > 0 {
                    // Keep the single copy on the vectorized trajectory so that last-bit
                    // differences of the polynomial sine cannot grow.
                    states[copy] = environment.states[copy]
                }
            }
        }
    }

    // MARK: - Polynomial sine and cosine

    func testSmallAngleTrigonometry() {
        var stream = RandomStream(seed: 4)
        var largestError = 0.0
        var mismatches = 0
        let count = 1_000_000
        for _ in 0..<(count / 4) {
            let x = SIMD4((0..<4).map { _ in stream.uniform(-0.25, 0.25) })
            let (sine, cosine) = SmallAngleTrigonometry.sinCos(x)
            for lane in 0..<4 {
                let exactSine = Foundation.sin(x[lane])
                let exactCosine = Foundation.cos(x[lane])
                largestError = max(largestError, abs(sine[lane] - exactSine) / exactSine.ulp)
                largestError = max(largestError, abs(cosine[lane] - exactCosine) / exactCosine.ulp)
                if sine[lane] != exactSine || cosine[lane] != exactCosine { mismatches += 1 }
            }
        }
        XCTAssertLessThanOrEqual(largestError, 1)
        XCTAssertLessThan(mismatches, count / 10)
    }

    func testSinCosFallsBackOutsideRange() {
        let theta = SIMD4<Double>(0.1, -0.2, 3.0, .nan)
        let (sine, cosine) = CartPole.sinCos(theta)
        XCTAssertEqual(sine[2], Foundation.sin(3.0))
        XCTAssertEqual(cosine[2], Foundation.cos(3.0))
        XCTAssertTrue(sine[3].isNaN)
    }
}
