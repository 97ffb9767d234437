import Environments
import Foundation
import Learning
import Neural
import RunStore
import Transfer

/// `ctxrl evaluate`: zero-shot evaluation of a run's stored policies on any context set.
enum EvaluateCommand: Subcommand {
    static let name = "evaluate"
    static let usage = "--run ID [--contexts SPEC] [--episodes N] [--seed N] [--db PATH] [--json]"
    static let summary =
        "Evaluate every policy a run trained, zero-shot, on a context set (default: the run's)."
    static let options: [OptionSpec] = [
        .value("run", "ID", "the run whose policies to evaluate (required; see 'ctxrl runs list')"),
        .value("contexts", "SPEC", "context set to evaluate on (default: the run's own contexts)"),
        .value("episodes", "N", "deterministic episodes per policy and context (default 20)"),
        .value("seed", "N", "seed of the evaluation episodes (default 0)"),
        .value("db", "PATH", "run store file (default ctxrl-runs.sqlite)"),
        .flag("json", "print one JSON object per policy and context instead of a table"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let path = arguments.string("db") ?? "ctxrl-runs.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("run store '\(path)' does not exist; give the file with --db")
        }
        guard let text = arguments.string("run"), let id = Int64(text) else {
            throw UsageError("give the run with --run ID (see 'ctxrl runs list')")
        }
        let store = try TrainPlan.openStore(path)
        guard let run = try store.run(id: RunID(rawValue: id)) else {
            throw UsageError("run \(id) is not in \(path); see 'ctxrl runs list'")
        }
        guard let scenario = try? JSONDecoder().decode(Scenario.self, from: Data(run.configuration.utf8))
        else { throw UsageError("run \(id) is not a train run with stored policies") }
        let spec = arguments.string("contexts") ?? scenario.contexts
        let contextSet: ContextSet
        do {
            contextSet = try ContextSet.parse(spec, environment: scenario.environment, seed: scenario.seed)
        } catch {
            throw UsageError("\(error)")
        }
        let episodes = try arguments.integer("episodes", default: 20, minimum: 1)!
        let seed = try arguments.seed()
        let sources = try store.trainings(run: run.id).filter { $0.status == .finished }
            .map(\.sourceIndex).sorted()
        guard !sources.isEmpty else { throw UsageError("run \(id) has no finished policies yet") }

        var rows: [[String]] = []
        for source in sources {
            guard let data = try store.loadCheckpoint(
                run: run.id, name: TransferStudy.checkpointName(source: source))
            else { continue }
            let policy = try TrainedPolicy.load(from: Checkpoint(decoding: data))
            let results = try policy.evaluate(
                on: contextSet.contexts, episodes: episodes, deterministic: true, seed: seed)
            for (target, result) in results.enumerated() {
                if arguments.has("json") {
                    output.print(JSONText.object([
                        ("source", .integer(source)),
                        ("target", .integer(target)),
                        ("context", TrainSummary.contextJSON(contextSet.contexts[target].dictionary)),
                        ("mean", .number(result.mean)),
                        ("std", .number(result.standardDeviation)),
                        ("episodes", .integer(result.episodes)),
                    ]).rendered)
                } else {
                    rows.append([
                        String(source), contextSet.label(at: target),
                        String(format: "%.1f", result.mean),
                        String(format: "%.1f", result.standardDeviation),
                    ])
                }
            }
        }
        if !arguments.has("json") {
            output.print(alignedColumns(
                header: ["source", "target context", "mean return", "std"], rows: rows
            ).joined(separator: "\n"))
        }
    }
}
