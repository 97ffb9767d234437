import Environments
import Learning
import Neural
import Numerics

/// Actor and critic MLPs with a shared base whose every linear layer carries routed LoRA
/// adapters, plus the routing (and, for open-book models, the context book) that chooses each
/// source's mixture.
///
/// The base is built and initialised exactly as `ActorCritic` does from the same stream
/// (orthogonal, gain sqrt(2) for hidden layers, 0.01 for the policy head, 1 for the value
/// head), and every `B` starts at zero. A fresh model therefore acts bit for bit like the
/// `ActorCritic` made from the same stream, for every mixture. Adapters, routing logits and
/// the book draw from `rng.child("adapters")`.
///
/// Which parameter groups train is explicit state (`trainableGroups`); create the optimizer
/// after setting it, because `Adam` owns the parameters trainable at its creation.
public final class AdaptedActorCritic: ParameterOwner {
    /// The model kind: `lora`, `mhr` or `openbook`.
    public let kind: MultiTaskPolicyKind
    /// The adapter settings the model was built with.
    public let settings: AdapterSettings
    /// The action space the policy acts in.
    public let actionSpace: ActionSpace
    /// The observation width the networks take.
    public let inputSize: Int
    /// The hidden widths of the actor and of the critic.
    public let hiddenWidths: [Int]
    /// The hidden activation.
    public let activation: Activation
    /// The initial Gaussian log standard deviation.
    public let initialLogStd: Double
    /// Observations to logits or Gaussian means.
    public let actor: AdaptedMLP
    /// Observations to state values.
    public let critic: AdaptedMLP
    /// The Gaussian's log standard deviation, `1 x dimension`; nil for discrete actions.
    public let logStd: Parameter?
    /// The routing of every adapted layer, and the book for open-book models.
    public let router: AdapterRouter

    /// Creates and initialises the model.
    ///
    /// - Parameters:
    ///   - kind: `lora`, `mhr` or `openbook`.
    ///   - sourceFeatures: the standardised features of each source context; their count is
    ///     the number of sources, and open-book models keep them in the book.
    public init(
        kind: MultiTaskPolicyKind, settings: AdapterSettings, inputSize: Int,
        actionSpace: ActionSpace, hiddenWidths: [Int], activation: Activation,
        initialLogStd: Double, sourceFeatures: [[Float]], rng: inout RandomStream
    ) {
        guard let inventory = settings.inventory(for: kind) else {
            preconditionFailure("\(kind.rawValue) models have no adapters")
        }
        precondition(!sourceFeatures.isEmpty, "an adapter model needs at least one source")
        self.kind = kind
        self.settings = settings
        self.actionSpace = actionSpace
        self.inputSize = inputSize
        self.hiddenWidths = hiddenWidths
        self.activation = activation
        self.initialLogStd = initialLogStd

        // The base, in the order and with the draws of `ActorCritic.init`.
        let outputs: Int
        switch actionSpace {
        case .discrete(let count):
            outputs = count
            logStd = nil
        case .box(let dimension):
            outputs = dimension
            logStd = Parameter(
                name: "policy.log_std",
                value: Matrix(rows: 1, columns: dimension, repeating: Float(initialLogStd)))
        }
        let actorBase = MLP(
            widths: [inputSize] + hiddenWidths + [outputs], activation: activation,
            name: "policy.actor")
        let criticBase = MLP(
            widths: [inputSize] + hiddenWidths + [1], activation: activation,
            name: "policy.critic")
        Initialization.orthogonal(actorBase, outputGain: 0.01, rng: &rng)
        Initialization.orthogonal(criticBase, outputGain: 1, rng: &rng)

        // Adapters, routing and book.
        var adapterStream = rng.child("adapters")
        let sourceCount = sourceFeatures.count
        let skills: Int
        let heads: Int
        switch inventory {
        case .perSource:
            skills = sourceCount
            heads = 1
        case .skills(let count, let headCount):
            skills = count
            heads = headCount
        }
        actor = AdaptedMLP(
            base: actorBase, activation: activation, firstLayer: 0, skills: skills,
            heads: heads, rank: settings.rank, scale: settings.scale, rng: &adapterStream)
        critic = AdaptedMLP(
            base: criticBase, activation: activation, firstLayer: actor.layers.count,
            skills: skills, heads: heads, rank: settings.rank, scale: settings.scale,
            rng: &adapterStream)
        let book = kind == .openbook
            ? ContextBook(
                sourceFeatures: sourceFeatures, embeddingDimension: settings.embeddingDimension,
                gateCount: 2, initialGateBias: settings.gateBias, rng: &adapterStream)
            : nil
        router = AdapterRouter(
            inventory: inventory, sourceCount: sourceCount,
            layerNames: actor.layerNames + critic.layerNames,
            gateOfLayer: actor.layers.map { _ in 0 } + critic.layers.map { _ in 1 },
            book: book, rng: &adapterStream)
        trainableGroups = settings.trainableGroups
        applyTrainableGroups()
    }

    /// The number of training sources.
    public var sourceCount: Int { router.sourceCount }

    /// The parameter groups that optimizers created from now on update.
    public var trainableGroups: Set<ParameterGroup> {
        didSet { applyTrainableGroups() }
    }

    private func applyTrainableGroups() {
        for group in ParameterGroup.allCases {
            for parameter in parameters(in: group) {
                parameter.isTrainable = trainableGroups.contains(group)
            }
        }
    }

    // MARK: - Parameters

    public var parameters: [Parameter] {
        actor.parameters + critic.parameters + (logStd.map { [$0] } ?? []) + router.parameters
    }

    /// Returns the parameters of one group.
    public func parameters(in group: ParameterGroup) -> [Parameter] {
        let networks = [actor, critic]
        switch group {
        case .base:
            return networks.flatMap { $0.layers.dropLast().flatMap(\.base.parameters) }
        case .heads:
            return networks.flatMap { $0.layers.last!.base.parameters }
                + (logStd.map { [$0] } ?? [])
        case .adapters:
            return networks.flatMap { $0.layers.flatMap(\.adapterParameters) }
        case .routing:
            return router.logits
        case .book:
            return router.book?.parameters ?? []
        }
    }

    /// Learning-rate multipliers by parameter name for `Adam`: routing logits and book
    /// parameters learn faster than the rest.
    public var learningRateScales: [String: Double] {
        var scales: [String: Double] = [:]
        for parameter in parameters(in: .routing) {
            scales[parameter.name] = settings.routingLearningRateScale
        }
        for parameter in parameters(in: .book) {
            scales[parameter.name] = settings.bookLearningRateScale
        }
        return scales
    }

    // MARK: - Routing

    /// Computes the mixtures of every adapted layer for `request`.
    public func resolve(_ request: MixtureRequest) -> ResolvedMixture {
        router.resolve(request)
    }

    /// Groups the rows of a batch by the index of the mixture each row uses.
    ///
    /// - Parameters:
    ///   - rowMixtures: for each row, an index into `mixtures`.
    /// - Returns: one group per mixture that some row uses, in the order of `mixtures`, and
    ///   the mixture index of each group.
    public func groups(rowMixtures: [Int], mixtures: [ResolvedMixture]) -> (
        groups: [RoutedRows], mixtureIndices: [Int]
    ) {
        var rowsByMixture = [[Int]](repeating: [], count: mixtures.count)
        for (row, index) in rowMixtures.enumerated() { rowsByMixture[index].append(row) }
        var groups: [RoutedRows] = []
        var mixtureIndices: [Int] = []
        for (index, rows) in rowsByMixture.enumerated() where !rows.isEmpty {
            groups.append(RoutedRows(rows: rows, mixtures: mixtures[index].layers))
            mixtureIndices.append(index)
        }
        return (groups, mixtureIndices)
    }

    // MARK: - Acting

    /// Returns the state values of a batch, one per row.
    public func values(_ inputs: Matrix<Float>, groups: [RoutedRows]) -> [Double] {
        critic.forward(inputs, groups: groups).storage.map(Double.init)
    }

    /// Chooses actions for a batch whose rows are routed by `groups`.
    ///
    /// - Returns: the raw actions (`batch x actionSpace.width`, unclipped) and their
    ///   log-probabilities.
    public func act(
        _ inputs: Matrix<Float>, groups: [RoutedRows], deterministic: Bool,
        rng: inout RandomStream
    ) -> (actions: Matrix<Double>, logProbabilities: [Double]) {
        let output = actor.forward(inputs, groups: groups)
        switch actionSpace {
        case .discrete:
            let distribution = Categorical(logits: output)
            let chosen = deterministic ? distribution.mode() : distribution.sample(rng: &rng)
            let actions = Matrix(rows: chosen.count, columns: 1, storage: chosen.map(Double.init))
            return (actions, distribution.logProbability(of: chosen))
        case .box:
            let distribution = DiagonalGaussian(mean: output, logStd: logStd!.value.storage)
            let actions = deterministic ? distribution.mode() : distribution.sample(rng: &rng)
            return (actions, distribution.logProbability(of: actions))
        }
    }

    /// Computes the log-probabilities and entropies of `actions`, with a closure that
    /// back-propagates loss weights (`dLoss/dlogp_i`, `dLoss/dH_i`) through the actor. The
    /// closure returns, per group, the gradient with respect to the actor's mixtures.
    func evaluateActions(_ inputs: Matrix<Float>, actions: Matrix<Double>, groups: [RoutedRows])
        -> (
            logProbabilities: [Double], entropies: [Double],
            backward: (_ weights: [Double], _ entropyWeights: [Double]) -> [[Matrix<Float>]]
        )
    {
        let output = actor.forward(inputs, groups: groups)
        switch actionSpace {
        case .discrete:
            let distribution = Categorical(logits: output)
            let chosen = actions.storage.map { Int($0) }
            let entropies = distribution.entropy()
            return (
                distribution.logProbability(of: chosen), entropies,
                { weights, entropyWeights in
                    let gradient = distribution.logitGradient(
                        actions: chosen, logProbabilityWeights: weights,
                        entropyWeights: entropyWeights, entropies: entropies)
                    return self.actor.backward(gradient).mixtures
                }
            )
        case .box:
            let logStd = self.logStd!
            let distribution = DiagonalGaussian(mean: output, logStd: logStd.value.storage)
            return (
                distribution.logProbability(of: actions), distribution.entropy(),
                { weights, entropyWeights in
                    let gradients = distribution.gradients(
                        actions: actions, logProbabilityWeights: weights,
                        entropyWeights: entropyWeights)
                    for j in 0..<gradients.logStd.count {
                        logStd.gradient.storage[j] += gradients.logStd[j]
                    }
                    return self.actor.backward(gradients.mean).mixtures
                }
            )
        }
    }

    /// Back-propagates the mixture gradients of the actor and the critic, per group, into the
    /// routing and the book. `resolved[g]` is the mixture that group g used.
    func backwardRouting(
        resolved: [ResolvedMixture], actorGradients: [[Matrix<Float>]],
        criticGradients: [[Matrix<Float>]]
    ) {
        for (group, mixture) in resolved.enumerated() {
            router.backward(
                mixture, mixtureGradients: actorGradients[group] + criticGradients[group])
        }
    }

    // MARK: - Merging

    /// Builds a plain `ActorCritic` whose weights are this model's base with `resolved`'s
    /// mixed adapters folded in (`W + s B_mix A_mix` in every layer), for inference at the
    /// cost of the base network alone.
    ///
    /// Its outputs equal this model's for the same mixture up to Float32 rounding, because the
    /// merged product sums in another order.
    public func merged(for resolved: ResolvedMixture) -> ActorCritic {
        var unused = RandomStream(seed: 0)
        let network = ActorCritic(
            inputSize: inputSize, actionSpace: actionSpace, hiddenWidths: hiddenWidths,
            activation: activation, initialLogStd: initialLogStd, rng: &unused)
        for (source, target) in [(actor, network.actor), (critic, network.critic)] {
            let weights = source.mergedWeights(resolved.layers)
            for (index, linear) in target.linears.enumerated() {
                linear.weight.value = weights[index]
                linear.bias.value = source.layers[index].base.bias.value
            }
        }
        if let logStd, let target = network.logStd { target.value = logStd.value }
        return network
    }
}
