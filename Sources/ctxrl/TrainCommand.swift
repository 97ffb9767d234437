import Environments
import Foundation
import Learning

/// `ctxrl train`: the main job.
enum TrainCommand: Subcommand {
    static let name = "train"
    static let usage = "--env E [--contexts SPEC] [--steps N] [--seed N] [--episodes N] [--json]"
    static let summary = "Train PPO policies on contexts and evaluate them zero-shot."
    static let options: [OptionSpec] = [
        .value("env", "E", "environment (default cartpole)"),
        .value("contexts", "SPEC", "context set (default: grid)"),
        .value("steps", "N", "environment steps per training (default: the environment's "
               + "tuned setting, 100000 for cartpole)"),
        .value("seed", "N", "run seed; fixes every random stream (default 0)"),
        .value("episodes", "N", "evaluation episodes per context (default 20)"),
        .flag("json", "print a JSON summary on standard output at the end"),
        .flag("quiet", "print no progress"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let kind = arguments.string("env") == nil
            ? EnvironmentKind.cartpole : try arguments.environment(command: name)
        var configuration = PPOConfiguration.defaults(for: kind)
        if let steps = try arguments.integer("steps", minimum: 1) { configuration.totalSteps = steps }
        let seed = try arguments.seed()
        let episodes = try arguments.integer("episodes", default: 20, minimum: 1)!
        let contexts = [kind.contextSpace.defaultContext]
        let progress = ProgressReporter(output: output, quiet: arguments.has("quiet"))
        let start = Date()
        let trained = try TrainedPolicy.train(
            kind: kind, contexts: contexts, configuration: configuration, seed: seed,
            onProgress: { state in
                let recent = state.recentReturn.map { String(format: "return %.1f", $0) } ?? ""
                progress.update(stage: "training", done: state.update, total: state.updates,
                                detail: recent)
            })
        progress.finishLine()
        let trainingSeconds = Date().timeIntervalSince(start)
        let results = try trained.evaluate(on: contexts, episodes: episodes, seed: seed &+ 1)
        for (context, result) in zip(contexts, results) {
            output.log(
                String(format: "evaluation on %@: mean %.2f, std %.2f over %d episodes "
                       + "(trained %d steps in %.1f s)",
                       describe(context), result.mean, result.standardDeviation,
                       result.episodes, configuration.totalSteps, trainingSeconds))
        }
        if arguments.has("json") {
            let evaluations = zip(contexts, results).map { context, result -> JSONText in
                .object([
                    ("context", .object(zip(context.names, context.values).map { ($0, .number($1)) })),
                    ("mean", .number(result.mean)),
                    ("std", .number(result.standardDeviation)),
                    ("episodes", .integer(result.episodes)),
                ])
            }
            output.print(JSONText.object([
                ("environment", .string(kind.rawValue)),
                ("seed", .integer(Int(seed))),
                ("steps", .integer(configuration.totalSteps)),
                ("training_seconds", .number(trainingSeconds)),
                ("evaluations", .array(evaluations)),
            ]).rendered)
        }
    }

    static func describe(_ context: Context) -> String {
        zip(context.names, context.values).map { "\($0)=\(format($1))" }.joined(separator: ",")
    }
}
