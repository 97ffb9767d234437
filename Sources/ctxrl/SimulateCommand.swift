import Environments
import Numerics

/// `ctxrl simulate`: steps one environment and prints one JSON object per step.
enum SimulateCommand: Subcommand {
    static let name = "simulate"
    static let usage =
        "--env E [--context k=v,...] [--state v1,v2,...] [--actions a1,a2,...] [--seed N] [--steps N]"
    static let summary =
        "Step one environment and print one JSON line per step, starting with the reset (t=0)."
    static let options: [OptionSpec] = [
        .value("env", "E", "environment: cartpole, pendulum, mountaincar, "
               + "mountaincar-continuous, acrobot, or a Gymnasium id (required)"),
        .value("context", "k=v,...", "context feature values; others keep their defaults "
               + "(see 'ctxrl envs')"),
        .value("state", "v1,v2,...", "initial simulator state replacing the one drawn at reset"),
        .value("actions", "a1,a2,...", "actions to take in order; default: uniform random "
               + "actions from the seed"),
        .value("seed", "N", "seed of the reset state and of random actions (default 0)"),
        .value("steps", "N", "steps to take (default: the number of --actions, or 10); "
               + "stops early when the episode ends"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let kind = try arguments.environment(command: name)
        let context = try arguments.context(for: kind)
        let seed = try arguments.seed()
        let actions = try arguments.numberList("actions")
        let steps = try arguments.integer("steps", default: actions?.count ?? 10, minimum: 0)!
        if let actions, steps > actions.count {
            throw UsageError(
                "--steps \(steps) exceeds the \(actions.count) actions given; "
                    + "give more --actions or fewer --steps")
        }
        let environment = try kind.makeSingleEnvironment(context: context, seed: seed)
        var actionStream = RandomStream(seed: seed).child("simulate-actions")
        do {
            let start = try environment.reset(state: try arguments.numberList("state"))
            output.print(line(start))
            for t in 0..<steps {
                let action = actions?[t] ?? randomAction(kind, context, &actionStream)
                let step = try environment.step(action: action)
                output.print(line(step))
                if step.terminated || step.truncated { break }
            }
        } catch let error as EnvironmentError {
            throw UsageError(error.description)
        }
    }

    static func line(_ step: SimulationStep) -> String {
        JSONText.object([
            ("t", .integer(step.elapsedSteps)),
            ("state", .array(step.state.map { .number($0) })),
            ("observation", .array(step.observation.map { .float($0) })),
            ("reward", .number(step.reward)),
            ("terminated", .bool(step.terminated)),
            ("truncated", .bool(step.truncated)),
        ]).rendered
    }

    /// A uniform random action: an index for discrete spaces, a value within the context's
    /// bounds for boxes.
    static func randomAction(
        _ kind: EnvironmentKind, _ context: Context, _ rng: inout RandomStream
    ) -> Double {
        switch kind.actionSpace {
        case .discrete(let count):
            return Double(rng.integer(below: count))
        case .box:
            let environment = try! kind.makeVectorEnvironment(contexts: [context], seed: 0)
            let bounds = environment.actionBounds(copy: 0)
            return rng.uniform(bounds.lower[0], bounds.upper[0])
        }
    }
}
