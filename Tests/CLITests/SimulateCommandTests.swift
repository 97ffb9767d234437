import Foundation
import XCTest

final class SimulateCommandTests: XCTestCase {
    func testFirstLineIsResetWithKeysInOrder() throws {
        let result = try CommandRunner.run(
            ["simulate", "--env", "cartpole", "--state", "0,0,0.05,0", "--actions", "1"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(
            result.outputLines.first,
            #"{"t":0,"state":[0.0,0.0,0.05,0.0],"observation":[0.0,0.0,0.05,0.0],"#
                + #""reward":0.0,"terminated":false,"truncated":false}"#)
    }

    func testStepMatchesGymnasiumReference() throws {
        let result = try CommandRunner.run(
            ["simulate", "--env", "CartPole-v1", "--state", "0,0,0.05,0", "--actions", "1"])
        let line = try XCTUnwrap(result.outputLines.last)
        let object = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let state = try XCTUnwrap(object["state"] as? [Double])
        XCTAssertEqual(state[1], 0.1943705466, accuracy: 1e-9)
        XCTAssertEqual(state[3], -0.2764975753, accuracy: 1e-9)
        XCTAssertEqual(object["t"] as? Int, 1)
    }

    func testDoublesRoundTrip() throws {
        let result = try CommandRunner.run(
            ["simulate", "--env", "acrobot", "--state", "0.1,-0.2,0.3,-0.4", "--actions", "2"])
        let line = try XCTUnwrap(result.outputLines.last)
        XCTAssertTrue(line.contains("0.1282116312891261"), line)
    }

    func testStopsWhenEpisodeEnds() throws {
        let result = try CommandRunner.run(
            ["simulate", "--env", "cartpole", "--state", "0,0,0.2,0.5", "--actions", "1,1,1"])
        XCTAssertEqual(result.outputLines.count, 2)
        XCTAssertTrue(result.outputLines[1].contains(#""terminated":true"#))
    }

    func testOutOfBoundsContextExitsTwo() throws {
        let result = try CommandRunner.run(
            ["simulate", "--env", "cartpole", "--context", "length=-1"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("length"), result.error)
        XCTAssertTrue(result.error.contains("-1"), result.error)
        XCTAssertTrue(result.output.isEmpty)
    }

    func testUnknownFeatureExitsTwo() throws {
        let result = try CommandRunner.run(
            ["simulate", "--env", "pendulum", "--context", "mass=2"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("mass"), result.error)
    }

    func testNaNContextExitsTwo() throws {
        let result = try CommandRunner.run(
            ["simulate", "--env", "cartpole", "--context", "gravity=nan"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("gravity"), result.error)
    }

    func testSameSeedSameOutput() throws {
        let first = try CommandRunner.run(["simulate", "--env", "mountaincar", "--seed", "4"])
        let second = try CommandRunner.run(["simulate", "--env", "mountaincar", "--seed", "4"])
        XCTAssertEqual(first.output, second.output)
        XCTAssertEqual(first.outputLines.count, 11)
    }
}
