import Foundation

/// Runs a round's tasks as one Slurm job array: writes an `sbatch` script, submits it, and
/// polls `squeue` until every array task has ended.
///
/// Array task t runs `ctxrl unit --sweep DIR --index UNITS[t]`, where UNITS lists each
/// task's units in the script itself, so that a user can read and adapt it. `%P` in
/// `--array` keeps at most `parallel` tasks running at once.
public struct SlurmBackend: SweepBackend {
    public var command: UnitInvocation
    /// The maximum number of array tasks running at once.
    public var parallel: Int
    /// The partition (`--partition`), or nil for the cluster's default.
    public var partition: String?
    /// The time limit of each array task (`--time`), or nil for the partition's default.
    public var timeLimit: String?
    /// Only write the script, without submitting it.
    public var dryRun = false
    /// How often `squeue` is asked, in seconds.
    public var pollInterval: Double = 2
    public var runner = CommandRunner()

    public init(command: UnitInvocation, parallel: Int, partition: String?, timeLimit: String?) {
        self.command = command
        self.parallel = max(parallel, 1)
        self.partition = partition
        self.timeLimit = timeLimit
    }

    public var name: String { "slurm" }

    public func run(
        tasks: [[SweepUnit]], round: Int, folder: SweepFolder, onEvent: (SweepEvent) -> Void,
        shouldCancel: () -> Bool
    ) throws -> [TaskFailure] {
        let path = folder.newScriptPath(round: round)
        do {
            try script(tasks: tasks, round: round, folder: folder)
                .write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw SweepError.folderUnwritable(path: path, reason: error.localizedDescription)
        }
        onEvent(.scriptWritten(path: path))
        if dryRun { return [] }

        let job = try submit(path)
        onEvent(.submitted(jobID: job))
        var last: TaskCounts?
        while true {
            if shouldCancel() {
                if let outcome = try? runner.run("scancel", [job]), outcome.status == 0 {
                    onEvent(.cancelled(jobID: job))
                }
                throw SweepError.cancelled
            }
            let states = try queueStatesRetrying(job: job)
            let counts = Self.counts(states, total: tasks.count)
            if counts != last { onEvent(.tasksUpdated(counts)) }
            last = counts
            if counts.pending + counts.running == 0 {
                return Self.failures(states, job: job, folder: folder, taskCount: tasks.count)
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
    }

    /// Renders the batch script of a round.
    public func script(tasks: [[SweepUnit]], round: Int, folder: SweepFolder) -> String {
        var lines = [
            "#!/bin/bash",
            "# ctxrl sweep, round \(round): \(count(tasks.joined().count, "unit")) in "
                + "\(count(tasks.count, "array task")), at most \(parallel) at once.",
            "# Written by 'ctxrl sweep'. Each task trains its units into its own shard under",
            "# shards/; 'ctxrl merge --sweep DIR --db STORE' (or the same 'ctxrl sweep' command",
            "# again) merges them into the run store after the job has ended.",
            "#SBATCH --job-name=ctxrl-r\(round)",
            "#SBATCH --array=0-\(tasks.count - 1)%\(parallel)",
            "#SBATCH --output=\(folder.logsPath)/slurm-%A_%a.log",
            "#SBATCH --chdir=\(folder.path)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=1",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let timeLimit { lines.append("#SBATCH --time=\(timeLimit)") }
        lines += ["set -euo pipefail", "units=("]
        lines += tasks.map { "  " + $0.map(\.description).joined(separator: ",") }
        lines += [
            ")",
            "exec " + ([command.executable] + command.arguments(units: [], folder: folder).dropLast())
                .map(Self.quoted).joined(separator: " ") + " \"${units[$SLURM_ARRAY_TASK_ID]}\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Formats "1 transfer unit" or "3 transfer units".
    private func count(_ value: Int, _ noun: String) -> String {
        "\(value) \(noun)" + (value == 1 ? "" : "s")
    }

    /// Quotes a word for the shell when it contains anything but safe characters.
    public static func quoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@%")
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func submit(_ script: String) throws -> String {
        let outcome = try runner.run("sbatch", ["--parsable", script])
        let job = outcome.output.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        } ?? ""
        guard outcome.status == 0, !job.isEmpty, job.allSatisfy(\.isNumber) else {
            throw SweepError.commandFailed(
                command: "sbatch --parsable \(script)", status: outcome.status,
                output: (outcome.error + outcome.output).trimmingCharacters(
                    in: .whitespacesAndNewlines))
        }
        return job
    }

    /// Reads the task states, asking `squeue` up to five times 2 s apart before giving up,
    /// because a busy controller can time out one request while the job runs on.
    private func queueStatesRetrying(job: String) throws -> [Int: String] {
        for attempt in 1... {
            do {
                return try queueStates(job: job)
            } catch SweepError.commandFailed(let command, let status, let output) {
                guard attempt == 5 else {
                    Thread.sleep(forTimeInterval: 2)
                    continue
                }
                throw SweepError.commandFailed(
                    command: command, status: status,
                    output: output + " (5 attempts; job \(job) may still be running: check it "
                        + "with squeue -j \(job) and cancel it with scancel \(job) before a rerun)")
            }
        }
        preconditionFailure("the loop returns or throws by its fifth attempt")
    }

    /// Reads the state of every array task that Slurm still lists, by task index.
    private func queueStates(job: String) throws -> [Int: String] {
        let outcome = try runner.run("squeue", ["-h", "-r", "-t", "all", "-j", job, "-o", "%i %T"])
        if outcome.status != 0 {
            // A job that ended longer ago than MinJobAge is forgotten: it has no tasks left.
            if outcome.error.contains("Invalid job id") { return [:] }
            throw SweepError.commandFailed(
                command: "squeue -j \(job)", status: outcome.status,
                output: outcome.error.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return Self.parseQueue(outcome.output, job: job)
    }

    /// Parses `squeue -h -r -o "%i %T"` lines such as `41_3 RUNNING`. With `-r` every task
    /// has a line of its own. A line for tasks not yet split off the array
    /// (`41_[4-7%2] PENDING`, as printed without `-r`) counts as task -1, pending.
    static func parseQueue(_ text: String, job: String) -> [Int: String] {
        var states: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2, fields[0].hasPrefix(job + "_") else { continue }
            let task = Int(fields[0].dropFirst(job.count + 1)) ?? -1
            states[task] = String(fields[1])
        }
        return states
    }

    /// The states in which a task has ended.
    static let endedStates: Set<String> = [
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
        "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE",
    ]

    static func counts(_ states: [Int: String], total: Int) -> TaskCounts {
        var counts = TaskCounts(total: total)
        for (task, state) in states {
            if state == "COMPLETED" {
                counts.succeeded += 1
            } else if endedStates.contains(state) {
                counts.failed += 1
            } else if state == "PENDING" {
                counts.pending += task < 0 ? 0 : 1
            } else {
                counts.running += 1
            }
        }
        // Tasks not yet listed one by one are pending.
        if states[-1] != nil {
            counts.pending = max(total - counts.succeeded - counts.failed - counts.running, 1)
        }
        return counts
    }

    /// Lists the tasks that ended without COMPLETED. A task that Slurm no longer lists was
    /// cancelled while pending (which leaves no record and no log), or its job ended longer
    /// ago than MinJobAge. Either way the merge decides which units are missing.
    static func failures(
        _ states: [Int: String], job: String, folder: SweepFolder, taskCount: Int
    ) -> [TaskFailure] {
        (0..<taskCount).compactMap { task in
            guard let state = states[task] else {
                return TaskFailure(
                    task: task,
                    reason: "no record: cancelled before it started, or forgotten by Slurm "
                        + "after MinJobAge",
                    log: folder.logsPath + "/slurm-\(job)_\(task).log (if it started)")
            }
            guard state != "COMPLETED", endedStates.contains(state) else { return nil }
            return TaskFailure(
                task: task, reason: state, log: folder.logsPath + "/slurm-\(job)_\(task).log")
        }
    }
}
