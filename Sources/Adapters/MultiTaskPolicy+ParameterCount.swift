import Environments
import Learning
import Neural
import Numerics

/// The number of scalar parameters of a model, in total and by group.
public struct ParameterCounts: Equatable, Sendable {
    /// Every parameter.
    public let total: Int
    /// The parameters that training updates.
    public let trainable: Int
    /// The parameters of each group; groups the model lacks count 0.
    public let byGroup: [ParameterGroup: Int]
}

extension MultiTaskPolicy {
    /// The parameter counts of the trained model; `mlp` sums its per-source policies.
    public var parameterCounts: ParameterCounts {
        switch model {
        case .independent(let policies):
            return MultiTaskPolicy.counts(of: policies.map(\.policy))
        case .shared(let policy):
            return MultiTaskPolicy.counts(of: [policy.policy])
        case .adapted(let network, _):
            return MultiTaskPolicy.counts(of: network)
        }
    }

    /// Counts the parameters of an adapter model, by `ParameterGroup`.
    public static func counts(of network: AdaptedActorCritic) -> ParameterCounts {
        var byGroup: [ParameterGroup: Int] = [:]
        for group in ParameterGroup.allCases {
            byGroup[group] = network.parameters(in: group).reduce(0) { $0 + $1.value.count }
        }
        let trainable = network.parameters.filter(\.isTrainable).reduce(0) { $0 + $1.value.count }
        return ParameterCounts(
            total: network.parameterCount, trainable: trainable, byGroup: byGroup)
    }

    /// Counts the parameters of plain actor-critics. The output layers and the log standard
    /// deviation are `heads`, the other layers `base`, and everything is trainable.
    static func counts(of networks: [ActorCritic]) -> ParameterCounts {
        var heads = 0
        var total = 0
        for network in networks {
            total += network.parameterCount
            heads += network.actor.linears.last!.parameterCount
                + network.critic.linears.last!.parameterCount + (network.logStd?.value.count ?? 0)
        }
        var byGroup = Dictionary(uniqueKeysWithValues: ParameterGroup.allCases.map { ($0, 0) })
        byGroup[.heads] = heads
        byGroup[.base] = total - heads
        return ParameterCounts(total: total, trainable: total, byGroup: byGroup)
    }

    // MARK: - Matching the shared MLP

    /// Returns the total parameter count of an adapter model of `kind` for these settings.
    public static func adapterParameterCount(
        kind: MultiTaskPolicyKind, environment: EnvironmentKind,
        configuration: PPOConfiguration, settings: AdapterSettings, sourceCount: Int
    ) -> Int {
        precondition(kind.hasAdapters, "\(kind.rawValue) is not an adapter model")
        var unused = RandomStream(seed: 0)
        let featureCount = environment.contextSpace.features.count
        let network = AdaptedActorCritic(
            kind: kind, settings: settings, inputSize: environment.observationSize,
            actionSpace: environment.actionSpace, hiddenWidths: configuration.hiddenWidths,
            activation: configuration.activation, initialLogStd: configuration.initialLogStd,
            sourceFeatures: Array(
                repeating: Array(repeating: 0, count: featureCount), count: sourceCount),
            rng: &unused)
        return network.parameterCount
    }

    /// Returns the parameter count of an `ActorCritic` with `layers` hidden layers of width
    /// `width`: an actor and a critic MLP plus the Gaussian log standard deviation.
    public static func actorCriticParameterCount(
        inputSize: Int, actionSpace: ActionSpace, width: Int, layers: Int
    ) -> Int {
        func mlpCount(outputs: Int) -> Int {
            let widths = [inputSize] + Array(repeating: width, count: layers) + [outputs]
            return zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
        }
        switch actionSpace {
        case .discrete(let count):
            return mlpCount(outputs: count) + mlpCount(outputs: 1)
        case .box(let dimension):
            return mlpCount(outputs: dimension) + mlpCount(outputs: 1) + dimension
        }
    }

    /// Returns the hidden width whose `ActorCritic` parameter count is nearest to `target`,
    /// the smaller width on ties.
    ///
    /// - Complexity: O(log target) evaluations of the count, which grows with the width.
    public static func sharedHiddenWidth(
        matching target: Int, inputSize: Int, actionSpace: ActionSpace, layers: Int
    ) -> Int {
        func count(_ width: Int) -> Int {
            actorCriticParameterCount(
                inputSize: inputSize, actionSpace: actionSpace, width: width, layers: layers)
        }
        // The smallest width whose count reaches the target, by bisection.
        var low = 1
        var high = 1
        while count(high) < target { high *= 2 }
        while low < high {
            let middle = (low + high) / 2
            if count(middle) < target { low = middle + 1 } else { high = middle }
        }
        if low > 1 && target - count(low - 1) <= count(low) - target { return low - 1 }
        return low
    }
}
