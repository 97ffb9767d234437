import Foundation
import XCTest

/// The outcome of one run of the built `ctxrl` binary.
struct CommandResult {
    let status: Int32
    let output: String
    let error: String

    var outputLines: [String] { output.split(separator: "\n").map(String.init) }
}

/// Runs the `ctxrl` executable that `swift build` placed next to the test bundle.
enum CommandRunner {
    static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    static var executable: URL { productsDirectory.appendingPathComponent("ctxrl") }

    /// Runs `ctxrl arguments...` in `directory` and waits for it to exit.
    static func run(
        _ arguments: [String], in directory: URL? = nil, file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> CommandResult {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            XCTFail("\(executable.path) not found; run 'swift build' first", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self))
    }

    /// A fresh empty directory under the temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ctxrl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
