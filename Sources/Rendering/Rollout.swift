import Environments
import Foundation

/// One episode of an environment: its trajectory and, when drawing was requested, one frame
/// per step.
public struct Rollout: Sendable {
    /// The environment stepped.
    public let kind: EnvironmentKind
    /// The complete context of the environment.
    public let context: Context
    /// The episode number, which names the output files.
    public let episode: Int
    /// The reset record (step 0) followed by one record per action.
    public var steps: [SimulationStep]
    /// The action taken before each step after the reset.
    public var actions: [Double]
    /// One frame per entry of `steps`, or none when drawing was off.
    public var frames: [Frame]

    /// The sum of the rewards of the episode.
    public var episodeReturn: Double {
        steps.reduce(0) { $0 + $1.reward }
    }

    /// The base name of this rollout's files, such as `cartpole_length-0.5_ep0`.
    public var fileStem: String {
        renderFileStem(kind: kind, context: context, episode: episode)
    }
}

/// The choice of pictures that `runRollout` draws for each step.
public enum RolloutFrames {
    /// No frames; the rollout only steps the environment.
    case none
    /// The environment drawing alone, exactly Gymnasium's canvas.
    case plain
    /// The environment drawing with a caption band above it that names the environment, the
    /// context, the step and the running return.
    case captioned(CaptionRenderer)
}

/// Runs one episode of `environment`, choosing each action from the current observation.
///
/// The episode starts with `reset(state: initialState)` and ends when a step is terminated
/// or truncated, or after `maximumSteps` steps. Drawing reads each step's state and nothing
/// else, so the trajectory is the same with every choice of `frames`.
///
/// - Parameters:
///   - environment: The environment copy to step; it is reset first.
///   - episode: The episode number recorded in the rollout and its file names.
///   - initialState: A state to start from, or nil to draw one from the environment's stream.
///   - maximumSteps: A limit below the environment's own time limit, or nil.
///   - frames: What to draw.
///   - action: Returns the action for an observation: a discrete index or a continuous value.
/// - Throws: `EnvironmentError` from the environment, `RenderingError` from drawing, and any
///   error `action` throws.
public func runRollout(
    environment: SingleEnvironment,
    episode: Int = 0,
    initialState: [Double]? = nil,
    maximumSteps: Int? = nil,
    frames: RolloutFrames = .plain,
    action: ([Float]) throws -> Double
) throws -> Rollout {
    let painter = try RolloutPainter(
        kind: environment.kind, context: environment.context, episode: episode, frames: frames)
    var rollout = Rollout(
        kind: environment.kind, context: environment.context, episode: episode, steps: [],
        actions: [], frames: [])

    var step = try environment.reset(state: initialState)
    rollout.steps.append(step)
    var runningReturn = 0.0
    if let frame = try painter?.frame(for: step, runningReturn: runningReturn) {
        rollout.frames.append(frame)
    }

    let limit = maximumSteps ?? Int.max
    while !step.terminated && !step.truncated && rollout.actions.count < limit {
        let chosen = try action(step.observation)
        step = try environment.step(action: chosen)
        runningReturn += step.reward
        rollout.actions.append(chosen)
        rollout.steps.append(step)
        if let frame = try painter?.frame(for: step, runningReturn: runningReturn) {
            rollout.frames.append(frame)
        }
    }
    return rollout
}

/// Draws rollout frames, with a caption band whose height stays fixed for the episode.
private struct RolloutPainter {
    let renderer: EnvironmentRenderer
    let caption: CaptionRenderer?
    let kind: EnvironmentKind
    let episode: Int
    let contextLines: [String]

    init?(kind: EnvironmentKind, context: Context, episode: Int, frames: RolloutFrames) throws {
        let caption: CaptionRenderer?
        switch frames {
        case .none: return nil
        case .plain: caption = nil
        case .captioned(let renderer): caption = renderer
        }
        renderer = try EnvironmentRenderer(kind: kind, context: context)
        self.caption = caption
        self.kind = kind
        self.episode = episode
        let items = zip(context.names, context.values).map { "\($0)=\(formatNumber($1))" }
        contextLines = caption?.wrap(items, width: kind.canvasSize.width) ?? []
    }

    func frame(for step: SimulationStep, runningReturn: Double) throws -> Frame {
        let scene = try renderer.render(state: step.state)
        guard let caption else { return scene }
        let header =
            "\(kind.gymnasiumID)   episode \(episode)   step \(step.elapsedSteps)   "
            + "return \(String(format: "%.2f", runningReturn))"
        let band = try caption.band(lines: [header] + contextLines, width: scene.width)
        return band.stacked(above: scene)
    }
}

// MARK: - Names

/// Returns the base name of a rollout's files: the environment, then `feature-value` for
/// the environment's headline feature and every feature that differs from its default, then
/// the episode.
///
/// For example `cartpole_length-0.5_ep0` at the default context and
/// `cartpole_gravity-20_length-1_ep3` with two features changed. Characters other than
/// letters, digits, `.`, `-` and `_` become `_`.
public func renderFileStem(kind: EnvironmentKind, context: Context, episode: Int) -> String {
    var parts = [kind.rawValue]
    let defaults = kind.contextSpace.defaultContext
    for (name, value) in zip(context.names, context.values) {
        let isDefault = defaults.names.contains(name) && defaults[name] == value
        if name == kind.headlineFeature || !isDefault {
            parts.append("\(name)-\(formatNumber(value))")
        }
    }
    parts.append("ep\(episode)")
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
    return String(parts.joined(separator: "_").map { allowed.contains($0) ? $0 : "_" })
}

/// Formats a number in the shortest form that reads back to the same value, without a
/// trailing `.0` on whole numbers: `0.5`, `10`, `0.0025`, `1e-05`.
public func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
        return String(Int64(value))
    }
    return "\(value)"
}
