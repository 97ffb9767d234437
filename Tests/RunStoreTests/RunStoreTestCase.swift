import Foundation
import RunStore
import XCTest

/// A test case with a fresh temporary directory for store files, removed after each test.
class RunStoreTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ctxrl-runstore-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Returns the path of a store file in the test's directory.
    func storePath(_ name: String = "runs.sqlite") -> String {
        directory.appendingPathComponent(name).path
    }

    func makeStore(_ name: String = "runs.sqlite") throws -> RunStore {
        try RunStore(path: storePath(name))
    }

    /// Creates a run with `contextCount` contexts of one feature, `length`.
    func makeRun(_ store: RunStore, name: String = "run", contextCount: Int = 3) throws -> RunID {
        let run = try store.createRun(
            name: name, kind: "train", configuration: #"{"env":"cartpole"}"#, seed: 1,
            ctxrlVersion: "0.1.0")
        try store.addContexts(
            run: run, (0..<contextCount).map { ["length": 0.25 * Double($0 + 1)] })
        return run
    }

    /// Opens a second, raw connection to a store file for SQL the API does not offer.
    func rawConnection(_ name: String = "runs.sqlite") throws -> Database {
        try Database(path: storePath(name))
    }
}
