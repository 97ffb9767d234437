import Foundation

/// Renders progress of long work on standard error: a bar with the estimated time left when
/// standard error is a terminal, a plain line about every `logInterval` seconds when it is a
/// file or pipe, and nothing when quiet.
final class ProgressReporter {
    private let output: Output
    private let quiet: Bool
    private let logInterval: Double
    /// When each stage was first reported; parallel units report interleaved stages.
    private var stageStarts: [String: Date] = [:]
    private var lastLog = Date.distantPast
    private var barVisible = false

    init(output: Output, quiet: Bool, logInterval: Double = 5) {
        self.output = output
        self.quiet = quiet
        self.logInterval = logInterval
    }

    /// Reports that `done` of `total` units of `stage` are finished, with a short detail.
    func update(stage: String, done: Int, total: Int, detail: String = "") {
        guard !quiet else { return }
        let stageStart = stageStarts[stage] ?? Date()
        stageStarts[stage] = stageStart
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let elapsed = Date().timeIntervalSince(stageStart)
        // Under a second in, the rate is too noisy to extrapolate; show "?" instead.
        let remaining = fraction > 0 && elapsed >= 1 ? elapsed * (1 - fraction) / fraction : .nan
        let suffix = detail.isEmpty ? "" : "  " + detail
        if output.errorIsTerminal {
            let width = 24
            let filled = min(width, Int(fraction * Double(width)))
            let bar = String(repeating: "#", count: filled)
                + String(repeating: ".", count: width - filled)
            let line = "\(stage) [\(bar)] \(Int(fraction * 100))%  "
                + "left \(ProgressReporter.duration(remaining))\(suffix)"
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            barVisible = true
        } else if Date().timeIntervalSince(lastLog) >= logInterval || done == total {
            lastLog = Date()
            output.log(
                "\(stage): \(done)/\(total) (\(Int(fraction * 100))%), "
                    + "elapsed \(ProgressReporter.duration(elapsed)), "
                    + "left \(ProgressReporter.duration(remaining))\(suffix)")
        }
    }

    /// Ends the current bar so that the next output starts on a fresh line.
    func finishLine() {
        guard barVisible else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        barVisible = false
    }

    /// A duration as `1h02m`, `3m05s` or `12s`; `?` when unknown.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60) }
        if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}
