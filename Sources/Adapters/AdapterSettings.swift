/// The kinds of policy trained on several source contexts.
public enum MultiTaskPolicyKind: String, Codable, CaseIterable, Sendable {
    /// One independent policy per source, each trained on its source alone.
    case mlp
    /// One MLP with the scaled context appended to the observation, its hidden width chosen
    /// so that its parameter count matches an adapter model's (`AdapterSettings.sharedMatches`).
    case shared
    /// A shared base with one LoRA adapter per source in every layer.
    case lora
    /// A shared base with an inventory of skills per layer, mixed by learned multi-head
    /// routing (Poly when `heads` is 1).
    case mhr
    /// `mhr` plus a context book whose attention mixes the sources' routing for any context.
    case openbook

    /// Whether the kind is a shared base with adapters.
    public var hasAdapters: Bool { self == .lora || self == .mhr || self == .openbook }
}

/// The rule that picks an adapter model's mixture for a context without a routing row.
public enum ZeroShotMode: String, Codable, CaseIterable, Sendable {
    /// The routing (or adapter) of the nearest source, by L1 distance between contexts
    /// scaled to [0, 1] by their declared bounds. A source context gets its own routing.
    case nearestSource = "nearest"
    /// The context book's attention over the sources (open-book models only).
    case openBook = "openbook"
    /// Every skill, or every source's adapter, weighted equally.
    case uniform
}

/// The named sets of parameters whose training can be switched on and off.
public enum ParameterGroup: String, Codable, CaseIterable, Sendable {
    /// Weights and biases of the hidden layers of the actor and the critic.
    case base
    /// Weights and biases of the output layers, and the Gaussian log standard deviation.
    case heads
    /// The adapters' `A` and `B` matrices.
    case adapters
    /// The routing logits.
    case routing
    /// The context book: embeddings, query map and gates.
    case book
}

/// The settings of adapter models, stored whole with every run.
///
/// The network widths, activation and PPO settings come from `PPOConfiguration`.
public struct AdapterSettings: Codable, Equatable, Sendable {
    /// Rank r of every adapter.
    public var rank: Int = 4
    /// LoRA alpha: adapters are scaled by alpha / r, or alpha / sqrt(r) when rank-stabilized.
    public var alpha: Double = 8
    /// The rule that turns alpha and the rank into the adapter scale.
    public var scaling: LoRAScaling = .standard
    /// Skills in each layer's inventory (mhr and openbook).
    public var skills: Int = 4
    /// Routing heads per layer: 1 is Poly, more is multi-head routing (mhr and openbook).
    public var heads: Int = 2
    /// Dimension of the context book's embeddings and queries (openbook).
    public var embeddingDimension: Int = 8
    /// Initial bias of the book's sigmoid gates (openbook).
    public var gateBias: Double = -3
    /// Learning-rate multiplier of the routing logits relative to the adapters.
    public var routingLearningRateScale: Double = 100
    /// Learning-rate multiplier of the context book's parameters.
    public var bookLearningRateScale: Double = 10
    /// The adapter model whose parameter count the shared MLP matches.
    public var sharedMatches: MultiTaskPolicyKind = .openbook
    /// Parameter groups that training updates.
    public var trainableGroups: Set<ParameterGroup> = Set(ParameterGroup.allCases)

    public init() {}

    /// The scale applied to every adapter's `B A`.
    public var scale: Double { scaling.scale(alpha: alpha, rank: rank) }

    /// Returns the adapter inventory of a model kind, or nil for kinds without adapters.
    public func inventory(for kind: MultiTaskPolicyKind) -> AdapterInventory? {
        switch kind {
        case .mlp, .shared: return nil
        case .lora: return .perSource
        case .mhr, .openbook: return .skills(count: skills, heads: heads)
        }
    }

    /// Checks every field against its valid range.
    ///
    /// - Throws: `AdapterError.invalidSetting` naming the first invalid field.
    public func validate() throws {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws {
            if !condition { throw AdapterError.invalidSetting(field: field, reason: reason) }
        }
        try require(rank >= 1, "rank", "must be at least 1, got \(rank)")
        try require(alpha > 0 && alpha.isFinite, "alpha", "must be positive, got \(alpha)")
        try require(skills >= 1, "skills", "must be at least 1, got \(skills)")
        try require(heads >= 1, "heads", "must be at least 1, got \(heads)")
        try require(embeddingDimension >= 1, "embeddingDimension",
                    "must be at least 1, got \(embeddingDimension)")
        try require(gateBias.isFinite, "gateBias", "must be finite, got \(gateBias)")
        try require(routingLearningRateScale > 0 && routingLearningRateScale.isFinite,
                    "routingLearningRateScale",
                    "must be positive, got \(routingLearningRateScale)")
        try require(bookLearningRateScale > 0 && bookLearningRateScale.isFinite,
                    "bookLearningRateScale", "must be positive, got \(bookLearningRateScale)")
        try require(sharedMatches.hasAdapters, "sharedMatches",
                    "must be lora, mhr or openbook, got \(sharedMatches.rawValue)")
    }
}

// MARK: - Coding

extension AdapterSettings {
    private enum CodingKeys: String, CodingKey {
        case rank, alpha, scaling, skills, heads, embeddingDimension, gateBias
        case routingLearningRateScale, bookLearningRateScale, sharedMatches, trainableGroups
    }

    /// Decodes settings in which every key is optional: a missing key keeps its default, so
    /// that scenario files list only what they change.
    public init(from decoder: Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rank = try container.decodeIfPresent(Int.self, forKey: .rank) ?? rank
        alpha = try container.decodeIfPresent(Double.self, forKey: .alpha) ?? alpha
        scaling = try container.decodeIfPresent(LoRAScaling.self, forKey: .scaling) ?? scaling
        skills = try container.decodeIfPresent(Int.self, forKey: .skills) ?? skills
        heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? heads
        embeddingDimension = try container.decodeIfPresent(
            Int.self, forKey: .embeddingDimension) ?? embeddingDimension
        gateBias = try container.decodeIfPresent(Double.self, forKey: .gateBias) ?? gateBias
        routingLearningRateScale = try container.decodeIfPresent(
            Double.self, forKey: .routingLearningRateScale) ?? routingLearningRateScale
        bookLearningRateScale = try container.decodeIfPresent(
            Double.self, forKey: .bookLearningRateScale) ?? bookLearningRateScale
        sharedMatches = try container.decodeIfPresent(
            MultiTaskPolicyKind.self, forKey: .sharedMatches) ?? sharedMatches
        if let groups = try container.decodeIfPresent([ParameterGroup].self, forKey: .trainableGroups) {
            trainableGroups = Set(groups)
        }
    }

    /// Encodes every setting, with `trainableGroups` in declaration order so that equal
    /// settings give equal JSON in every process. A `Set` would encode in its hash order,
    /// which Swift seeds per process.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(alpha, forKey: .alpha)
        try container.encode(scaling, forKey: .scaling)
        try container.encode(skills, forKey: .skills)
        try container.encode(heads, forKey: .heads)
        try container.encode(embeddingDimension, forKey: .embeddingDimension)
        try container.encode(gateBias, forKey: .gateBias)
        try container.encode(routingLearningRateScale, forKey: .routingLearningRateScale)
        try container.encode(bookLearningRateScale, forKey: .bookLearningRateScale)
        try container.encode(sharedMatches, forKey: .sharedMatches)
        try container.encode(
            ParameterGroup.allCases.filter(trainableGroups.contains), forKey: .trainableGroups)
    }
}
