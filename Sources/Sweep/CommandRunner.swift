import Foundation

/// Runs an external command to completion and captures what it printed.
public struct CommandRunner: Sendable {
    public init() {}

    /// The outcome of one command.
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`.
    ///
    /// - Throws: `SweepError.commandFailed` when the command cannot be started.
    public func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SweepError.commandFailed(
                command: executable, status: -1, output: error.localizedDescription)
        }
        // Read both pipes before waiting, so that a full pipe cannot block the command.
        let errorData = ReadBuffer()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            errorData.data = error.fileHandleForReading.readDataToEndOfFile()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData.data, as: UTF8.self))
    }
}

/// A box for the data read on another thread; the dispatch group orders the accesses.
private final class ReadBuffer: @unchecked Sendable {
    var data = Data()
}
