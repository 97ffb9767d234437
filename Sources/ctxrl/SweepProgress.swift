import Foundation
import Sweep

/// Turns sweep events into log lines on standard error.
final class SweepProgress {
    private let output: Output
    private let quiet: Bool
    private var roundStart = Date()

    init(output: Output, quiet: Bool) {
        self.output = output
        self.quiet = quiet
    }

    func log(_ text: String) {
        if !quiet { output.log(text) }
    }

    func handle(_ event: SweepEvent) {
        switch event {
        case .roundStarted(let round, let units, let tasks):
            roundStart = Date()
            log(
                "== round \(round): \(plural(units.count, "unit")) ("
                    + units.map(\.description).joined(separator: ", ") + ") in "
                    + plural(tasks, "task"))
        case .scriptWritten(let path):
            log("wrote \(path)")
        case .submitted(let job):
            log("submitted Slurm job \(job)")
        case .cancelled(let job):
            log("cancelled Slurm job \(job) with scancel")
        case .tasksUpdated(let counts):
            let elapsed = ProgressReporter.duration(Date().timeIntervalSince(roundStart))
            log(
                "tasks: \(counts.succeeded + counts.failed) of \(counts.total) ended "
                    + "(\(counts.failed) failed), \(counts.running) running, "
                    + "\(counts.pending) pending, \(elapsed)")
        case .merged(let units):
            log(
                "merged \(plural(units.count, "unit")) into the run store: "
                    + units.map(\.description).joined(separator: ", "))
        }
    }
}

/// "1 unit", "3 units".
func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
