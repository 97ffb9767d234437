import Foundation
import XCTest

final class CommandLineTests: XCTestCase {
    func testUnknownSubcommandSuggestsClosest() throws {
        let result = try CommandRunner.run(["simulat"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("did you mean 'simulate'"), result.error)
    }

    func testUnknownOptionSuggestsClosest() throws {
        let result = try CommandRunner.run(["simulate", "--env", "cartpole", "--sed", "3"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("did you mean --seed"), result.error)
    }

    func testOptionWithEqualsSign() throws {
        let result = try CommandRunner.run(["simulate", "--env=cartpole", "--steps=2"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.outputLines.count, 3)
    }

    func testEveryHelpNamesItsOptions() throws {
        for command in ["train", "simulate", "envs", "bench"] {
            let result = try CommandRunner.run([command, "--help"])
            XCTAssertEqual(result.status, 0, command)
            XCTAssertTrue(result.output.contains("Usage: ctxrl \(command)"), command)
            XCTAssertTrue(result.output.contains("--help"), command)
        }
    }

    func testEnvsJSONListsEveryEnvironment() throws {
        let result = try CommandRunner.run(["envs", "--json"])
        XCTAssertEqual(result.status, 0)
        let names = try result.outputLines.map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["name"] as? String ?? ""
        }
        XCTAssertEqual(
            names, ["cartpole", "pendulum", "mountaincar", "mountaincar-continuous", "acrobot"])
    }

    func testEnvsTableShowsUnits() throws {
        let result = try CommandRunner.run(["envs"])
        XCTAssertTrue(result.output.contains("masspole"))
        XCTAssertTrue(result.output.contains("kg"))
    }

    func testUnknownEnvironmentExitsTwo() throws {
        let result = try CommandRunner.run(["simulate", "--env", "cartpol"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("did you mean 'cartpole'"), result.error)
    }
}

/// Commands that only read runs reject a store file that does not exist instead of
/// creating an empty one.
final class MissingStoreTests: XCTestCase {
    func testReadCommandsRejectMissingStore() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("typo.sqlite").path
        let commands: [[String]] = [
            ["runs", "list", "--db", path],
            ["runs", "show", "1", "--db", path],
            ["report", "1", "--out", directory.appendingPathComponent("r.html").path, "--db", path],
            ["evaluate", "--run", "1", "--db", path],
        ]
        for command in commands {
            let result = try CommandRunner.run(command)
            XCTAssertEqual(result.status, 2, "\(command): \(result.error)")
            XCTAssertTrue(
                result.error.contains("run store '\(path)' does not exist"), "\(command): \(result.error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
