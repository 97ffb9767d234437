import Foundation
import RunStore
import XCTest

final class ScenarioTests: XCTestCase {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    /// Each malformed file and the key (or phrase) its error message must name.
    static let malformed: [String: String] = [
        "unknown-key": "budgt",
        "missing-environment": "'environment' is missing",
        "budget-string": "'budget' must be an integer",
        "budget-fraction": "'budget' must be an integer",
        "budget-zero": "'budget' must be at least 1",
        "seed-negative": "'seed' must be at least 0",
        "ppo-list": "'ppo' must be a table",
        "ppo-unknown-key": "'ppo.learning_rat'",
        "ppo-gamma-string": "'ppo.gamma' must be a number",
        "ppo-gamma-range": "'ppo.gamma'",
        "ppo-widths-number": "'ppo.hidden_widths' must be a list",
        "ppo-widths-string-element": "'ppo.hidden_widths[1]'",
        "ppo-activation": "'ppo.activation'",
        "ppo-flag-number": "'ppo.normalize_observations' must be true or false",
        "environment-unknown": "'environment' names no environment",
        "environment-number": "'environment' must be a string",
        "contexts-out-of-bounds": "'contexts'",
        "contexts-zero-mass": "masscart",
        "contexts-unknown-feature": "mass",
        "gap-word": "'gap'",
        "top-level-list": "must be a table",
        "trailing-comma": "invalid JSON at line 1",
        "episodes-fraction": "'evaluation_episodes' must be an integer",
        "duplicate-key": "duplicate key 'environment'",
        "policy-unknown": "'policy'",
        "strategy-unknown": "'strategy'",
        "budget-too-large": "'budget'",
        "ppo-minibatch-one": "'ppo.minibatch_size'",
    ]

    func testMalformedFilesAreAllListed() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Self.testsDirectory.appendingPathComponent("MalformedScenarios").path)
        XCTAssertEqual(Set(files.map { ($0 as NSString).deletingPathExtension }),
                       Set(Self.malformed.keys))
        XCTAssertGreaterThanOrEqual(files.count, 20)
    }

    func testMalformedScenariosExitTwoAndNameTheKey() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let missing = directory.appendingPathComponent("missing.sqlite")
        // A store with one run in it must come out byte for byte unchanged.
        let existing = directory.appendingPathComponent("existing.sqlite")
        do {
            let store = try RunStore(path: existing.path)
            try store.createRun(
                name: "kept", kind: "train", configuration: "{}", seed: 1, ctxrlVersion: "test")
        }
        let before = try storeBytes(existing)
        for (name, expected) in Self.malformed.sorted(by: { $0.key < $1.key }) {
            let file = Self.testsDirectory
                .appendingPathComponent("MalformedScenarios/\(name).json").path
            for store in [missing, existing] {
                let result = try CommandRunner.run(
                    ["train", "--scenario", file, "--db", store.path, "--quiet"])
                XCTAssertEqual(result.status, 2, name)
                XCTAssertTrue(result.error.contains("\(name).json"), "\(name): \(result.error)")
                XCTAssertTrue(result.error.contains(expected), "\(name): \(result.error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: missing.path), name)
            XCTAssertEqual(try storeBytes(existing), before, name)
        }
    }

    /// The bytes of a store file and of its write-ahead log, if any.
    func storeBytes(_ url: URL) throws -> [Data] {
        [url.path, url.path + "-wal"].map { FileManager.default.contents(atPath: $0) ?? Data() }
    }

    func testShippedScenariosMatchBuiltInDefaults() throws {
        let pairs = [
            ("cartpole", "cartpole"), ("acrobot", "acrobot"), ("pendulum", "pendulum"),
            ("mountaincar", "mountaincar"),
            ("mountaincar-continuous", "mountaincar-continuous"),
        ]
        for (environment, file) in pairs {
            let path = Self.repository.appendingPathComponent("Scenarios/\(file).json").path
            let fromFile = try CommandRunner.run(["train", "--scenario", path, "--dry-run"])
            let builtIn = try CommandRunner.run(["train", "--env", environment, "--dry-run"])
            XCTAssertEqual(fromFile.status, 0, fromFile.error)
            XCTAssertEqual(
                try withoutNames(fromFile.output), try withoutNames(builtIn.output), environment)
        }
    }

    func testEveryShippedScenarioIsValid() throws {
        let directory = Self.repository.appendingPathComponent("Scenarios")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let result = try CommandRunner.run(
                ["train", "--scenario", directory.appendingPathComponent(file).path, "--dry-run"])
            XCTAssertEqual(result.status, 0, "\(file): \(result.error)")
        }
    }

    func testOptionsOverrideScenarioFields() throws {
        let path = Self.repository.appendingPathComponent("Scenarios/cartpole.json").path
        let result = try CommandRunner.run(
            ["train", "--scenario", path, "--budget", "3", "--ppo", "epochs=7", "--dry-run"])
        let scenario = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        XCTAssertEqual(scenario["budget"] as? Int, 3)
        XCTAssertEqual((scenario["ppo"] as? [String: Any])?["epochs"] as? Int, 7)
    }

    func withoutNames(_ json: String) throws -> NSDictionary {
        var object = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        object["name"] = nil
        object["description"] = nil
        return object as NSDictionary
    }
}
