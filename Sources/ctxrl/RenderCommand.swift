import Environments
import Foundation
import Learning
import Neural
import Numerics
import Rendering
import RunStore
import Transfer

/// `ctxrl render`: rollouts drawn to PNG frames or an animated GIF.
enum RenderCommand: Subcommand {
    static let name = "render"
    static let usage =
        "--env E [--context k=v,...] [--state ...] [--run ID --source I | --policy random] "
        + "[--episodes N] [--seed S] --out DIR [--gif] [--window]"
    static let summary =
        "Render rollouts of a random or trained policy to PNG frames or an animated GIF."
    static let options: [OptionSpec] = [
        .value("env", "E", "environment (required unless --run is given)"),
        .value("context", "k=v,...", "context feature values; others keep their defaults"),
        .value("state", "v1,v2,...", "initial simulator state, as in 'ctxrl simulate'"),
        .value("run", "ID", "run whose stored policy acts (with --source)"),
        .value("source", "I", "source context index of the run's policy to use"),
        .value("policy", "P", "'random' for uniform random actions (default when no --run)"),
        .value("episodes", "N", "episodes to render (default 1)"),
        .value("seed", "N", "seed of reset states and random actions (default 0)"),
        .value("out", "DIR", "folder for the files (required); created if missing"),
        .value("db", "PATH", "run store file for --run (default ctxrl-runs.sqlite)"),
        .flag("gif", "write one animated GIF per episode instead of PNG frames"),
        .flag("window", "also play each episode in a window when a display is present"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let folder = try arguments.required("out", command: name)
        let episodes = try arguments.integer("episodes", default: 1, minimum: 1)!
        let seed = try arguments.seed()
        let (kind, actor, label) = try chooseActor(arguments)
        let context = try arguments.context(for: kind)
        let state = try arguments.numberList("state")
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw UsageError(
                "cannot create the folder \(ArtifactStage.describe(error)); give a writable "
                    + "folder with --out")
        }
        let caption = try CaptionRenderer()
        for episode in 0..<episodes {
            let environment = try kind.makeSingleEnvironment(
                context: context, seed: RandomStream(seed: seed).child(episode).seed)
            let act = try actor(context, episode)
            let rollout: Rollout
            do {
                rollout = try runRollout(
                    environment: environment, episode: episode, initialState: state,
                    frames: .captioned(caption), action: act)
            } catch let error as EnvironmentError {
                throw UsageError(error.description)
            }
            let written = arguments.has("gif")
                ? [try rollout.writeGIF(inFolder: folder)]
                : try rollout.writePNGFrames(inFolder: folder)
            output.print(
                String(format: "episode %d (%@): return %.1f over %d steps, %d file(s), first %@",
                       episode, label, rollout.episodeReturn, rollout.actions.count,
                       written.count, written.first ?? "-"))
            if arguments.has("window") {
                if LiveWindow.isDisplayAvailable {
                    try LiveWindow.play(
                        rollout.frames, framesPerSecond: kind.framesPerSecond,
                        title: rollout.fileStem)
                } else {
                    output.log("no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
                               + "skipping the window")
                }
            }
        }
    }

    /// The environment, an action function per (context, episode), and a label.
    static func chooseActor(_ arguments: ParsedArguments) throws -> (
        EnvironmentKind, (Context, Int) throws -> ([Float]) -> Double, String
    ) {
        if let runText = arguments.string("run") {
            guard let id = Int64(runText) else { throw UsageError("--run needs a run id") }
            guard let sourceText = arguments.string("source"), let source = Int(sourceText) else {
                throw UsageError("--run needs --source I: the source context whose policy acts")
            }
            let store = try TrainPlan.openStore(arguments.string("db") ?? "ctxrl-runs.sqlite")
            guard let data = try store.loadCheckpoint(
                run: RunID(rawValue: id), name: TransferStudy.checkpointName(source: source))
            else {
                throw UsageError(
                    "run \(id) has no finished policy for source \(source); see 'ctxrl runs show \(id)'")
            }
            let policy = try TrainedPolicy.load(from: Checkpoint(decoding: data))
            if arguments.string("env") != nil {
                let kind = try arguments.environment(command: name)
                guard kind == policy.kind else {
                    throw UsageError("run \(id) trained on \(policy.kind.rawValue), not \(kind.rawValue)")
                }
            }
            return (policy.kind, { context, _ in try policy.deterministicActor(context: context) },
                    "run \(id) source \(source)")
        }
        if let policy = arguments.string("policy"), policy != "random" {
            throw UsageError("--policy must be 'random', or use --run ID --source I")
        }
        let kind = try arguments.environment(command: name)
        let seed = try arguments.seed()
        return (kind, { context, episode in
            var stream = RandomStream(seed: seed).child("render-actions").child(episode)
            return { _ in SimulateCommand.randomAction(kind, context, &stream) }
        }, "random policy")
    }
}
