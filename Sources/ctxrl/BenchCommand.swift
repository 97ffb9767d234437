import Adapters
import Environments
import Foundation

/// `ctxrl bench`: throughput figures, printed for `docs/benchmarks.md`.
enum BenchCommand: Subcommand {
    static let name = "bench"
    static let usage = "env --env E [--envs N] [--steps M] | network [--seconds S] | adapters"
    static let summary =
        "Measure environment steps per second (single copy and vectorized), network speed, or "
        + "adapter inference merged and unmerged."
    static let options: [OptionSpec] = [
        .value("env", "E", "environment to measure (bench env; required)"),
        .value("envs", "N", "vectorized copies (bench env; default 1024)"),
        .value("steps", "M", "environment steps timed per measurement (bench env; "
               + "default 2000000)"),
        .value("seed", "N", "seed of the environments and actions (default 0)"),
        .value("seconds", "S", "seconds per measurement (bench network; default 1)"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        switch arguments.positionals.first {
        case "env":
            try runEnvironment(arguments, output: output)
        case "network":
            try runNetwork(arguments, output: output)
        case "adapters":
            runAdapters(output: output)
        default:
            throw UsageError(
                "give what to measure: 'ctxrl bench env --env E', 'ctxrl bench network' or "
                    + "'ctxrl bench adapters'")
        }
    }

    static func runEnvironment(_ arguments: ParsedArguments, output: Output) throws {
        let kind = try arguments.environment(command: "bench env")
        let copies = try arguments.integer("envs", default: 1024, minimum: 1)!
        let steps = try arguments.integer("steps", default: 2_000_000, minimum: 1)!
        let rates = benchmarkSteps(
            kind: kind, copies: copies, steps: steps, seed: try arguments.seed())
        output.print(
            "\(kind.rawValue): single copy \(rounded(rates.singleStepsPerSecond)) steps/s, "
                + "\(copies) copies \(rounded(rates.vectorStepsPerSecond)) steps/s")
    }

    static func runNetwork(_ arguments: ParsedArguments, output: Output) throws {
        let seconds = try arguments.double("seconds") ?? 1
        guard seconds > 0 else { throw UsageError("--seconds must be positive, got \(seconds)") }
        output.print("MLP 4-64-64-2 (tanh), forward plus backward:")
        for batch in [1, 64, 2048] {
            let rate = NetworkBenchmark.forwardBackward(
                widths: [4, 64, 64, 2], batch: batch, seconds: seconds)
            output.print(
                "  batch \(batch): \(rounded(rate.passesPerSecond)) passes/s, "
                    + "\(rounded(rate.samplesPerSecond)) samples/s")
        }
        let tanh = NetworkBenchmark.tanhCost(seconds: seconds)
        output.print(
            String(format: "tanh per element: glibc tanhf %.2f ns, fastTanh %.2f ns (%.1fx)",
                   tanh.glibc, tanh.fast, tanh.glibc / tanh.fast))
    }

    static func runAdapters(output: Output) {
        output.print("Adapter actor (CartPole sizes, 64-64, 4 sources), batch 400, forward passes:")
        for kind in [MultiTaskPolicyKind.lora, .mhr, .openbook] {
            let speed = AdapterBenchmark.measureMergeSpeed(kind: kind)
            output.print(
                String(format: "  %@: unmerged %@ passes/s, merged %@ passes/s (%.2fx)",
                       kind.rawValue, rounded(speed.unmergedPassesPerSecond),
                       rounded(speed.mergedPassesPerSecond), speed.speedup))
        }
    }

    /// A rate with three significant digits and a thousands separator.
    static func rounded(_ value: Double) -> String {
        let magnitude = value <= 0 ? 0 : Int(log10(value))
        let unit = pow(10, Double(max(magnitude - 2, 0)))
        let number = Int((value / unit).rounded() * unit)
        let digits = Array(String(number))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
