import Foundation

/// A subcommand of `ctxrl`.
protocol Subcommand {
    /// The name typed after `ctxrl`, such as `simulate`.
    static var name: String { get }
    /// The usage line after `ctxrl NAME`.
    static var usage: String { get }
    /// One or two sentences on what the subcommand does.
    static var summary: String { get }
    /// The options it accepts.
    static var options: [OptionSpec] { get }
    /// Runs it; throws `UsageError` for bad input, anything else for run-time failure.
    static func run(_ arguments: ParsedArguments, output: Output) throws
    /// Text printed after the options in `--help`; empty by default.
    static var helpDetails: String { get }
}

extension Subcommand {
    static var helpDetails: String { "" }
}

/// Exit statuses: 0 success, 1 failure at run time, 2 bad usage or input.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

/// Dispatches `ctxrl SUBCOMMAND ...` and renders errors as one sentence on standard error.
enum CommandLineTool {
    static let version = "0.1.0"

    static var subcommands: [any Subcommand.Type] {
        [
            TrainCommand.self, SweepCommand.self, UnitCommand.self, MergeCommand.self,
            SelectCommand.self, EvaluateCommand.self, EnvsCommand.self,
            SimulateCommand.self, RenderCommand.self, RunsCommand.self, ReportCommand.self,
            BenchCommand.self,
        ]
    }

    static func run(arguments: [String]) -> Int32 {
        let output = Output()
        guard let first = arguments.first, first != "--help", first != "-h", first != "help"
        else {
            output.print(overview)
            return arguments.isEmpty ? ExitStatus.usage : ExitStatus.success
        }
        if first == "--version" {
            output.print("ctxrl \(version)")
            return ExitStatus.success
        }
        guard let command = subcommands.first(where: { $0.name == first }) else {
            let suggestion = closestName(to: first, among: subcommands.map { $0.name })
            output.error(
                "unknown subcommand '\(first)'"
                    + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
                    + " (see 'ctxrl --help')")
            return ExitStatus.usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            output.print(
                helpText(
                    command: command.name, usage: command.usage, summary: command.summary,
                    specs: command.options) + command.helpDetails)
            return ExitStatus.success
        }
        do {
            let parsed = try ParsedArguments(rest, specs: command.options, command: command.name)
            try command.run(parsed, output: output)
            return ExitStatus.success
        } catch let error as UsageError {
            output.error(error.description)
            return ExitStatus.usage
        } catch {
            output.error(describe(error))
            return ExitStatus.failure
        }
    }

    static var overview: String {
        var lines = [
            "ctxrl \(version): contextual reinforcement learning, and which contexts to train on",
            "",
            "Usage: ctxrl SUBCOMMAND [OPTIONS]",
            "",
            "Subcommands:",
        ]
        let width = (subcommands.map { $0.name.count }.max() ?? 0) + 2
        for command in subcommands {
            lines.append(
                "  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + command.summary)
        }
        lines.append("")
        lines.append("Run 'ctxrl SUBCOMMAND --help' for the options of one subcommand.")
        return lines.joined(separator: "\n")
    }

    /// Describes a library error in one sentence. Every ctxrl error type describes itself
    /// through `CustomStringConvertible`.
    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}

/// Standard output and standard error for subcommands; the only place that prints.
final class Output {
    /// Whether standard error is a terminal (progress bars) or a file or pipe (log lines).
    let errorIsTerminal = isatty(STDERR_FILENO) != 0

    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func error(_ text: String) {
        FileHandle.standardError.write(Data(("error: " + text + "\n").utf8))
    }

    func log(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
