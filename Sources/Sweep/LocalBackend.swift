import Foundation

/// Runs a round's tasks as a pool of at most `parallel` local processes.
///
/// Each process writes its standard output and error to `logs/local-rROUND-tTASK.log`.
public struct LocalBackend: SweepBackend {
    public var command: UnitInvocation
    /// The number of processes at once.
    public var parallel: Int
    /// How often the pool checks its processes, in seconds.
    public var pollInterval: Double = 0.05

    public init(command: UnitInvocation, parallel: Int) {
        self.command = command
        self.parallel = max(parallel, 1)
    }

    public var name: String { "local" }

    public func run(
        tasks: [[SweepUnit]], round: Int, folder: SweepFolder, onEvent: (SweepEvent) -> Void,
        shouldCancel: () -> Bool
    ) throws -> [TaskFailure] {
        var counts = TaskCounts(total: tasks.count)
        counts.pending = tasks.count
        var waiting = Array(tasks.indices)
        var running: [(task: Int, process: Process, log: String)] = []
        var failures: [TaskFailure] = []
        onEvent(.tasksUpdated(counts))
        while !waiting.isEmpty || !running.isEmpty {
            if shouldCancel() {
                for entry in running { entry.process.interrupt() }
                for entry in running { entry.process.waitUntilExit() }
                throw SweepError.cancelled
            }
            while running.count < parallel, !waiting.isEmpty {
                let task = waiting.removeFirst()
                let log = folder.newLogPath(name: "local-r\(round)-t\(task)")
                running.append((task, try start(units: tasks[task], folder: folder, log: log), log))
                counts.pending -= 1
                counts.running += 1
                onEvent(.tasksUpdated(counts))
            }
            Thread.sleep(forTimeInterval: pollInterval)
            let ended = running.filter { !$0.process.isRunning }
            running.removeAll { entry in ended.contains { $0.task == entry.task } }
            for entry in ended {
                counts.running -= 1
                if let reason = Self.failureReason(entry.process) {
                    counts.failed += 1
                    failures.append(TaskFailure(task: entry.task, reason: reason, log: entry.log))
                } else {
                    counts.succeeded += 1
                }
                onEvent(.tasksUpdated(counts))
            }
        }
        return failures.sorted { $0.task < $1.task }
    }

    /// Describes why an ended process failed, or returns nil when it succeeded.
    static func failureReason(_ process: Process) -> String? {
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0): return nil
        case (.exit, let status): return "exit status \(status)"
        case (_, let signal): return "killed by signal \(signal)"
        }
    }

    private func start(units: [SweepUnit], folder: SweepFolder, log: String) throws -> Process {
        guard FileManager.default.createFile(atPath: log, contents: nil),
            let handle = FileHandle(forWritingAtPath: log)
        else {
            throw SweepError.folderUnwritable(path: log, reason: "cannot create the log file")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.executable)
        process.arguments = command.arguments(units: units, folder: folder)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SweepError.commandFailed(
                command: command.executable, status: -1, output: error.localizedDescription)
        }
        try? handle.close()
        return process
    }
}
