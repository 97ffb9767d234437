import Foundation
import Transfer

/// Turns study events into progress on standard error. Events may arrive from several worker
/// threads, so every method takes `lock`.
final class StudyProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let reporter: ProgressReporter
    private let output: Output
    private let quiet: Bool
    private let count: Int
    private var unitsFinished = 0

    init(output: Output, quiet: Bool, count: Int) {
        self.output = output
        self.quiet = quiet
        self.count = count
        reporter = ProgressReporter(output: output, quiet: quiet)
    }

    /// Announces a stage of the main job on its own line.
    func stage(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        reporter.finishLine()
        if !quiet { output.log("== " + text) }
    }

    func handle(_ event: StudyEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .unitStarted:
            break
        case .trainingProgress(let source, let progress):
            let recent = progress.recentReturn.map { String(format: "return %.1f", $0) } ?? ""
            reporter.update(
                stage: (source >= 0 ? "source \(source)" : "multi-task policy") + " PPO updates",
                done: progress.update, total: progress.updates, detail: recent)
        case .unitFinished(let unit):
            unitsFinished += 1
            reporter.finishLine()
            guard !quiet else { return }
            let mean = unit.means.reduce(0, +) / Double(max(unit.means.count, 1))
            let how = unit.wasStored
                ? "already finished, read back"
                : String(format: "trained in %.1f s", unit.trainingSeconds)
            output.log(
                String(format: "source %d %@; mean zero-shot return over %d targets %.1f",
                       unit.source, how, count, mean))
        }
    }

    /// Reports an update of a training that is not a study unit, such as the shared policy.
    func training(label: String, update: Int, updates: Int, recentReturn: Double?) {
        lock.lock()
        defer { lock.unlock() }
        let recent = recentReturn.map { String(format: "return %.1f", $0) } ?? ""
        reporter.update(stage: label + " PPO updates", done: update, total: updates, detail: recent)
    }

    func finishLine() {
        lock.lock()
        defer { lock.unlock() }
        reporter.finishLine()
    }
}
