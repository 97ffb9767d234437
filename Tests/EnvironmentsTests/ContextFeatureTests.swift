import Environments
import Numerics
import XCTest

/// Every declared feature changes what it declares, and invalid contexts are rejected.
final class ContextFeatureTests: XCTestCase {
    // MARK: - Every feature is live

    func testCartPoleFeaturesLive() throws {
        try checkFeatures(
            CartPole.self,
            probes: [
                (cartPole(0.01, 0.02, 0.03, 0.04), 1),
                (cartPole(0, 0, 0.05, 0), 0),
            ])
    }

    func testPendulumFeaturesLive() throws {
        try checkFeatures(
            Pendulum.self,
            probes: [
                (Pendulum.State(angle: 1.0, angularVelocity: 0), 5.0),
                (Pendulum.State(angle: 1.0, angularVelocity: 7.9), 2.0),
                (Pendulum.State(angle: 0.3, angularVelocity: -1.0), 1.5),
            ])
    }

    func testMountainCarFeaturesLive() throws {
        typealias State = MountainCar.State
        try checkFeatures(
            MountainCar.self,
            probes: [
                (State(position: 0.49, velocity: 0.02), 2),
                (State(position: 0.499, velocity: 0.005), 2),
                (State(position: -1.19, velocity: -0.05), 0),
                (State(position: 0.59, velocity: 0.06), 2),
                (State(position: -0.52, velocity: 0.0695), 2),
            ])
    }

    func testMountainCarContinuousFeaturesLive() throws {
        typealias State = MountainCarContinuous.State
        try checkFeatures(
            MountainCarContinuous.self,
            probes: [
                (State(position: 0.44, velocity: 0.02), 0.5),
                (State(position: 0.449, velocity: 0.005), 1.0),
                (State(position: -1.19, velocity: -0.05), -1.0),
                (State(position: 0.59, velocity: 0.06), 1.0),
                (State(position: -0.52, velocity: 0.0695), 1.0),
            ])
    }

    func testAcrobotFeaturesLive() throws {
        typealias State = Acrobot.State
        try checkFeatures(
            Acrobot.self,
            probes: [
                (State(theta1: 0.1, theta2: -0.2, angularVelocity1: 0.3, angularVelocity2: -0.4), 2),
                (State(theta1: 0.5, theta2: 0.5, angularVelocity1: 20, angularVelocity2: 40), 1),
            ])
    }

    /// Changes each feature by 10% of its default (or of its range when the default is 0)
    /// and checks that every effect it declares shows on some probe, and that a feature
    /// declared `pictureOnly` changes nothing.
    func checkFeatures<Environment: ContextualEnvironment>(
        _ type: Environment.Type, probes: [(Environment.State, Environment.Action)]
    ) throws {
        let space = Environment.contextSpace
        let base = try Environment.Params(context: space.defaultContext)
        for feature in space.features {
            let value = perturbed(feature)
            let context = try space.context(overriding: [feature.name: value])
            let changed = try Environment.Params(context: context)
            let observed = observedEffects(Environment.self, base, changed, probes)
            if feature.effects == [.pictureOnly] {
                XCTAssertEqual(observed, [], "\(space.environment) \(feature.name)")
                continue
            }
            XCTAssertFalse(feature.effects.contains(.pictureOnly), feature.name)
            for effect in feature.effects {
                XCTAssertTrue(
                    observed.contains(effect),
                    "\(space.environment) \(feature.name) = \(value) shows no \(effect) effect")
            }
        }
    }

    func perturbed(_ feature: ContextFeature) -> Double {
        let width = feature.upperBound - feature.lowerBound
        let step = feature.defaultValue == 0 ? 0.1 * width : 0.1 * feature.defaultValue
        let up = feature.defaultValue + step
        return up <= feature.upperBound ? up : feature.defaultValue - step
    }

    /// Returns the effects that differ between `base` and `changed` on any probe.
    func observedEffects<Environment: ContextualEnvironment>(
        _ type: Environment.Type, _ base: Environment.Params, _ changed: Environment.Params,
        _ probes: [(Environment.State, Environment.Action)]
    ) -> Set<FeatureEffect> {
        var effects: Set<FeatureEffect> = []
        for (state, action) in probes {
            var baseStream = RandomStream(seed: 7)
            var changedStream = RandomStream(seed: 7)
            let before = Environment.step(
                state: state, action: action, params: base, rng: &baseStream)
            let after = Environment.step(
                state: state, action: action, params: changed, rng: &changedStream)
            if Environment.stateValues(of: before.state) != Environment.stateValues(of: after.state) {
                effects.insert(.dynamics)
            }
            if before.reward != after.reward { effects.insert(.reward) }
            if before.terminated != after.terminated { effects.insert(.termination) }
        }
        var baseStream = RandomStream(seed: 7)
        var changedStream = RandomStream(seed: 7)
        let baseStart = Environment.reset(params: base, rng: &baseStream)
        let changedStart = Environment.reset(params: changed, rng: &changedStream)
        if Environment.stateValues(of: baseStart) != Environment.stateValues(of: changedStart) {
            effects.insert(.reset)
        }
        let baseBounds = Environment.actionBounds(params: base)
        let changedBounds = Environment.actionBounds(params: changed)
        if baseBounds.lower != changedBounds.lower || baseBounds.upper != changedBounds.upper {
            effects.insert(.actionBounds)
        }
        return effects
    }

    // MARK: - Invalid contexts

    func testOutOfBoundsMessage() {
        XCTAssertThrowsError(try CartPole.contextSpace.context(overriding: ["length": 6])) {
            error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("cartpole"), message)
            XCTAssertTrue(message.contains("'length'"), message)
            XCTAssertTrue(message.contains("6.0"), message)
            XCTAssertTrue(message.contains("[0.05, 5.0]"), message)
        }
    }

    func testNaNMessage() {
        XCTAssertThrowsError(try Pendulum.contextSpace.context(overriding: ["g": .nan])) {
            error in
            guard case ContextError.nonFinite = error else {
                return XCTFail("expected nonFinite, got \(error)")
            }
            let message = String(describing: error)
            XCTAssertTrue(message.contains("pendulum"), message)
            XCTAssertTrue(message.contains("'g'"), message)
            XCTAssertTrue(message.contains("nan"), message)
            XCTAssertTrue(message.contains("[0.0, 100.0]"), message)
        }
    }

    func testInfiniteMessage() {
        let space = MountainCar.contextSpace
        XCTAssertThrowsError(try space.context(overriding: ["force": -.infinity])) { error in
            guard case ContextError.nonFinite = error else {
                return XCTFail("expected nonFinite, got \(error)")
            }
            let message = String(describing: error)
            XCTAssertTrue(message.contains("mountaincar"), message)
            XCTAssertTrue(message.contains("'force'"), message)
            XCTAssertTrue(message.contains("-inf"), message)
            XCTAssertTrue(message.contains("[0.0001, 0.01]"), message)
        }
    }

    func testUnknownFeatureMessage() {
        XCTAssertThrowsError(try Acrobot.contextSpace.context(overriding: ["lenght": 1])) {
            error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("acrobot"), message)
            XCTAssertTrue(message.contains("'lenght'"), message)
            XCTAssertTrue(message.contains("link_length_1"), message)
        }
    }

    func testEveryBoundRejected() {
        for kind in EnvironmentKind.allCases {
            let space = kind.contextSpace
            for feature in space.features {
                let above = feature.upperBound + max(1, abs(feature.upperBound))
                XCTAssertThrowsError(
                    try space.context(overriding: [feature.name: above]),
                    "\(kind) \(feature.name)"
                ) { error in
                    XCTAssertEqual(
                        error as? ContextError,
                        .outOfBounds(
                            environment: kind.rawValue, feature: feature.name, value: above,
                            lower: feature.lowerBound, upper: feature.upperBound))
                }
                let below = feature.lowerBound - max(1, abs(feature.lowerBound))
                XCTAssertThrowsError(try space.context(overriding: [feature.name: below]))
                XCTAssertNoThrow(try space.context(overriding: [feature.name: feature.upperBound]))
                XCTAssertNoThrow(try space.context(overriding: [feature.name: feature.lowerBound]))
            }
        }
    }

    func testParamsRejectBuiltContext() {
        let context = Context(names: ["masspole"], values: [-1])
        XCTAssertThrowsError(try CartPole.Params(context: context))
        XCTAssertThrowsError(
            try EnvironmentKind.cartpole.makeVectorEnvironment(contexts: [context], seed: 0))
        XCTAssertThrowsError(
            try EnvironmentKind.cartpole.makeSingleEnvironment(context: context, seed: 0))
    }

    func testPartialContextTakesDefaults() throws {
        let context = Context(names: ["l"], values: [2])
        let params = try Pendulum.Params(context: context)
        XCTAssertEqual(params.length, 2)
        XCTAssertEqual(params.gravity, 10)
        let complete = try Pendulum.contextSpace.validated(context)
        XCTAssertEqual(complete.names, Pendulum.contextSpace.features.map(\.name))
    }

    func testDefaultsWithinBounds() {
        for kind in EnvironmentKind.allCases {
            XCTAssertEqual(kind.contextSpace.environment, kind.rawValue)
            for feature in kind.contextSpace.features {
                XCTAssertLessThanOrEqual(feature.lowerBound, feature.defaultValue, feature.name)
                XCTAssertLessThanOrEqual(feature.defaultValue, feature.upperBound, feature.name)
                XCTAssertFalse(feature.summary.isEmpty, feature.name)
            }
        }
    }

    // MARK: - Helpers

    func cartPole(_ x: Double, _ xDot: Double, _ theta: Double, _ thetaDot: Double)
        -> CartPole.State
    {
        CartPole.State(
            cartPosition: x, cartVelocity: xDot, poleAngle: theta, poleAngularVelocity: thetaDot)
    }
}
