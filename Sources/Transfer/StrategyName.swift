/// The selection strategies and reference values that `--strategy` names.
public enum StrategyName: String, CaseIterable, Codable, Sendable {
    /// Model-based transfer learning with a Gaussian process (`MBTLGaussianProcessStrategy`).
    case mbtlGaussianProcess = "mbtl-gp"
    /// Pseudo-greedy gap splitting (`PseudoGreedyStrategy`).
    case mbtlPseudoGreedy = "mbtl-ps"
    /// Equidistant bin centres (`EquidistantStrategy`).
    case mbtlEquidistant = "mbtl-es"
    /// Uniform random order without replacement (`RandomStrategy`).
    case random
    /// Greedy on the full transfer matrix (`SequentialOracleStrategy`).
    case sequentialOracle = "sequential-oracle"
    /// `mean_j max_i T[i][j]`: every source trained, an upper bound.
    case oracle
    /// `mean_j T[j][j]`: one policy per target, used only there.
    case independent
    /// One multi-task policy trained on every context.
    case multitask

    /// Other spellings accepted for some strategies.
    static let aliases: [String: StrategyName] = [
        "mbtl": .mbtlGaussianProcess,
        "pseudo-greedy": .mbtlPseudoGreedy,
        "equidistant": .mbtlEquidistant,
        "multi-task": .multitask,
        "oracle-transfer": .oracle,
    ]

    /// Looks up a strategy by name or alias, ignoring case.
    ///
    /// - Throws: `SelectionError.unknownStrategy` listing the valid names.
    public init(parsing text: String) throws {
        let lowered = text.lowercased()
        guard let name = StrategyName(rawValue: lowered) ?? Self.aliases[lowered] else {
            throw SelectionError.unknownStrategy(name: text)
        }
        self = name
    }

    /// Whether the strategy chooses sources one at a time. The others (`oracle`,
    /// `independent`, `multitask`) are fixed reference values.
    public var isSequential: Bool {
        switch self {
        case .mbtlGaussianProcess, .mbtlPseudoGreedy, .mbtlEquidistant, .random,
            .sequentialOracle:
            return true
        case .oracle, .independent, .multitask:
            return false
        }
    }
}
