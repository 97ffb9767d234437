import Foundation
import Numerics

/// The registry of environments: one case per environment, with what the rest of ctxrl needs
/// to know about it and factories for stepping it.
public enum EnvironmentKind: String, CaseIterable, Codable, Sendable {
    case cartpole
    case pendulum
    case mountainCar = "mountaincar"
    case mountainCarContinuous = "mountaincar-continuous"
    case acrobot

    // MARK: - Names

    /// Looks up an environment by its ctxrl name or its Gymnasium id, ignoring case.
    ///
    /// `"cartpole"`, `"CartPole-v1"` and `"CARTPOLE"` all name `.cartpole`.
    public init?(name: String) {
        let lowered = name.lowercased()
        guard
            let kind = EnvironmentKind.allCases.first(where: {
                $0.rawValue == lowered || $0.gymnasiumID.lowercased() == lowered
            })
        else { return nil }
        self = kind
    }

    /// The Gymnasium id whose semantics this environment follows at the default context.
    public var gymnasiumID: String {
        switch self {
        case .cartpole: return "CartPole-v1"
        case .pendulum: return "Pendulum-v1"
        case .mountainCar: return "MountainCar-v0"
        case .mountainCarContinuous: return "MountainCarContinuous-v0"
        case .acrobot: return "Acrobot-v1"
        }
    }

    /// The environment type that implements this kind.
    public var environmentType: any ContextualEnvironment.Type {
        switch self {
        case .cartpole: return CartPole.self
        case .pendulum: return Pendulum.self
        case .mountainCar: return MountainCar.self
        case .mountainCarContinuous: return MountainCarContinuous.self
        case .acrobot: return Acrobot.self
        }
    }

    // MARK: - Spaces and limits

    /// The declared context features.
    public var contextSpace: ContextSpace { environmentType.contextSpace }

    /// The number of components of one observation.
    public var observationSize: Int { environmentType.observationSize }

    /// The action space.
    public var actionSpace: ActionSpace { environmentType.actionSpace }

    /// The number of steps after which an episode is truncated.
    public var timeLimit: Int { environmentType.timeLimit }

    /// The names of the simulator state components, as `ctxrl simulate` prints them.
    public var stateNames: [String] { environmentType.stateNames }

    /// The episode returns that map to 0 and 1 when performance is normalised.
    ///
    /// - CartPole: 0 to 500, the full range of returns.
    /// - Pendulum: -2200 to -500, the range used by the MBTL paper (Cho et al., 2024).
    /// - MountainCar: -200 (never reaching the goal) to -110, Gymnasium's reward threshold
    ///   for `MountainCar-v0`.
    /// - MountainCarContinuous: -100 (full throttle for all 999 steps without reaching the
    ///   goal) to 90, Gymnasium's reward threshold.
    /// - Acrobot: -500 (never swinging up) to -100, Gymnasium's reward threshold.
    ///
    /// Returns outside the range normalise to values outside [0, 1]. Callers clamp if they
    /// need to.
    public var returnBounds: ClosedRange<Double> {
        switch self {
        case .cartpole: return 0...500
        case .pendulum: return -2200 ... -500
        case .mountainCar: return -200 ... -110
        case .mountainCarContinuous: return -100...90
        case .acrobot: return -500 ... -100
        }
    }

    // MARK: - Default grid

    /// The feature that the default grid varies.
    public var headlineFeature: String {
        switch self {
        case .cartpole: return "length"
        case .pendulum: return "l"
        case .mountainCar: return "force"
        case .mountainCarContinuous: return "power"
        case .acrobot: return "link_length_1"
        }
    }

    /// The number of contexts in the default grid.
    public static let defaultGridSize = 20

    /// Twenty contexts that vary the headline feature on a log scale from a tenth of its
    /// default to ten times its default, clamped to its bounds. Every other feature keeps its
    /// default.
    public var defaultGrid: [Context] {
        let space = contextSpace
        let feature = space.feature(named: headlineFeature)!
        let lower = feature.defaultValue / 10
        let upper = feature.defaultValue * 10
        let count = EnvironmentKind.defaultGridSize
        return (0..<count).map { index in
            let fraction = Double(index) / Double(count - 1)
            let value = lower * Foundation.pow(upper / lower, fraction)
            let clamped = min(max(value, feature.lowerBound), feature.upperBound)
            // The clamped value lies within the bounds, so validation cannot fail.
            return try! space.context(overriding: [headlineFeature: clamped])
        }
    }

    // MARK: - Factories

    /// Creates one vectorized environment copy per context.
    ///
    /// Copy `i` draws from `RandomStream(seed: seed).child(i)`.
    ///
    /// - Throws: `ContextError` when a context has an unknown feature or a value that is not
    ///   finite or outside its bounds.
    public func makeVectorEnvironment(
        contexts: [Context], seed: UInt64
    ) throws -> any VectorEnvironment {
        switch self {
        case .cartpole:
            return try VectorizedEnvironment<CartPole>(contexts: contexts, seed: seed)
        case .pendulum:
            return try VectorizedEnvironment<Pendulum>(contexts: contexts, seed: seed)
        case .mountainCar:
            return try VectorizedEnvironment<MountainCar>(contexts: contexts, seed: seed)
        case .mountainCarContinuous:
            return try VectorizedEnvironment<MountainCarContinuous>(
                contexts: contexts, seed: seed)
        case .acrobot:
            return try VectorizedEnvironment<Acrobot>(contexts: contexts, seed: seed)
        }
    }

    /// Creates one environment copy behind a type-erased stepping interface.
    ///
    /// The copy draws from `RandomStream(seed: seed)`.
    ///
    /// - Throws: `ContextError` as `makeVectorEnvironment(contexts:seed:)` does.
    public func makeSingleEnvironment(context: Context, seed: UInt64) throws -> SingleEnvironment {
        switch self {
        case .cartpole: return try SingleCopy<CartPole>(context: context, seed: seed)
        case .pendulum: return try SingleCopy<Pendulum>(context: context, seed: seed)
        case .mountainCar: return try SingleCopy<MountainCar>(context: context, seed: seed)
        case .mountainCarContinuous:
            return try SingleCopy<MountainCarContinuous>(context: context, seed: seed)
        case .acrobot: return try SingleCopy<Acrobot>(context: context, seed: seed)
        }
    }
}
