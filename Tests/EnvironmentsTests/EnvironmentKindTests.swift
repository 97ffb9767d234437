import Environments
import Foundation
import XCTest

final class EnvironmentKindTests: XCTestCase {
    func testNames() {
        XCTAssertEqual(
            EnvironmentKind.allCases.map(\.rawValue),
            ["cartpole", "pendulum", "mountaincar", "mountaincar-continuous", "acrobot"])
    }

    func testGymnasiumAliases() {
        XCTAssertEqual(EnvironmentKind(name: "CartPole-v1"), .cartpole)
        XCTAssertEqual(EnvironmentKind(name: "pendulum-V1"), .pendulum)
        XCTAssertEqual(EnvironmentKind(name: "MountainCar-v0"), .mountainCar)
        XCTAssertEqual(EnvironmentKind(name: "MOUNTAINCARCONTINUOUS-V0"), .mountainCarContinuous)
        XCTAssertEqual(EnvironmentKind(name: "Acrobot-v1"), .acrobot)
        XCTAssertEqual(EnvironmentKind(name: "ACROBOT"), .acrobot)
        XCTAssertEqual(EnvironmentKind(name: "mountaincar-continuous"), .mountainCarContinuous)
    }

    func testUnknownName() {
        XCTAssertNil(EnvironmentKind(name: "CartPole-v0"))
        XCTAssertNil(EnvironmentKind(name: ""))
        XCTAssertNil(EnvironmentKind(name: "lunarlander"))
    }

    func testSpacesAndLimits() {
        let expected: [EnvironmentKind: (Int, ActionSpace, Int)] = [
            .cartpole: (4, .discrete(count: 2), 500),
            .pendulum: (3, .box(dimension: 1), 200),
            .mountainCar: (2, .discrete(count: 3), 200),
            .mountainCarContinuous: (2, .box(dimension: 1), 999),
            .acrobot: (6, .discrete(count: 3), 500),
        ]
        for kind in EnvironmentKind.allCases {
            let (observationSize, actionSpace, timeLimit) = expected[kind]!
            XCTAssertEqual(kind.observationSize, observationSize, "\(kind)")
            XCTAssertEqual(kind.actionSpace, actionSpace, "\(kind)")
            XCTAssertEqual(kind.timeLimit, timeLimit, "\(kind)")
        }
    }

    func testReturnBounds() {
        XCTAssertEqual(EnvironmentKind.cartpole.returnBounds, 0...500)
        XCTAssertEqual(EnvironmentKind.pendulum.returnBounds, -2200 ... -500)
        for kind in EnvironmentKind.allCases {
            XCTAssertLessThan(kind.returnBounds.lowerBound, kind.returnBounds.upperBound)
        }
    }

    func testDefaultGrid() throws {
        for kind in EnvironmentKind.allCases {
            let grid = kind.defaultGrid
            let feature = try XCTUnwrap(kind.contextSpace.feature(named: kind.headlineFeature))
            let values = grid.map { $0[kind.headlineFeature] }
            XCTAssertEqual(grid.count, 20, "\(kind)")
            XCTAssertEqual(values.first!, feature.defaultValue / 10, accuracy: 1e-12, "\(kind)")
            XCTAssertEqual(values.last!, feature.defaultValue * 10, accuracy: 1e-12, "\(kind)")
            let ratio = values[1] / values[0]
            for index in 1..<values.count {
                XCTAssertEqual(values[index] / values[index - 1], ratio, accuracy: 1e-9)
            }
            for context in grid {
                XCTAssertNoThrow(try kind.contextSpace.validated(context))
                for other in kind.contextSpace.features where other.name != kind.headlineFeature {
                    XCTAssertEqual(context[other.name], other.defaultValue)
                }
            }
        }
    }

    func testHeadlineFeatures() {
        XCTAssertEqual(
            EnvironmentKind.allCases.map(\.headlineFeature),
            ["length", "l", "force", "power", "link_length_1"])
    }

    func testStateNamesMatchStateSize() throws {
        for kind in EnvironmentKind.allCases {
            let environment = try kind.makeSingleEnvironment(
                context: kind.contextSpace.defaultContext, seed: 0)
            let start = try environment.reset(state: nil)
            XCTAssertEqual(start.state.count, kind.stateNames.count, "\(kind)")
            XCTAssertEqual(start.observation.count, kind.observationSize, "\(kind)")
        }
    }
}
