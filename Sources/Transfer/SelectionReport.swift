/// The outcome of one selection strategy on one transfer matrix: which sources it trained,
/// the generalized performance after each training, and how it compares with the baselines.
///
/// Encodes to JSON with snake_case keys.
public struct SelectionReport: Codable, Equatable, Sendable {
    /// One training of the strategy.
    public struct Step: Codable, Equatable, Sendable {
        /// The number of trainings so far, from 1.
        public let k: Int
        /// The index of the source trained at this step.
        public let chosen: Int
        /// The source's context label, when the matrix or context set has labels.
        public let label: String?
        /// The varied features of the source's context, when a context set is known.
        public let context: [String: Double]?
        /// `V_k`, the generalized performance after k trainings.
        public let generalizedPerformance: Double
        /// The strategy's record of its choice: predictions, acquisition values, model fit.
        public let decision: SelectionDecision

        enum CodingKeys: String, CodingKey {
            case k, chosen, label, context, decision
            case generalizedPerformance = "generalized_performance"
        }
    }

    /// The strategy's name.
    public let strategy: String
    /// The number of trainings K.
    public let budget: Int
    /// The number of contexts N.
    public let contextCount: Int
    /// The trainings in order; empty for reference values and for the average of random
    /// orderings.
    public let steps: [Step]
    /// `V_k` for k = 1 ... K. A reference value repeats its value K times; a random strategy
    /// gives the mean over its orderings.
    public let curve: [Double]
    /// The standard deviation of `V_k` over the random orderings (population form), or nil.
    public let curveStandardDeviation: [Double]?
    /// The number of random orderings averaged, or nil.
    public let orderings: Int?
    /// The mean of `curve` over k = 1 ... K.
    public let meanPerformance: Double
    /// The oracle value `mean_j max_i T[i][j]`.
    public let oraclePerformance: Double
    /// The independent-training value `mean_j T[j][j]`.
    public let independentPerformance: Double
    /// The multi-task value, when the matrix carries a multi-task row.
    public let multitaskPerformance: Double?
    /// The first k at which `curve` reaches the better of independent and multi-task
    /// training, or nil if it never does within the budget (and for reference values).
    public let trainingsToReachBaseline: Int?
    /// `N / k*` for `k* = trainingsToReachBaseline`, or nil.
    public let sampleEfficiency: Double?
    /// The sources chosen per round (see `BatchSelection`); 1 for one at a time.
    public var batchSize = 1

    enum CodingKeys: String, CodingKey {
        case strategy, budget, steps, curve, orderings
        case contextCount = "context_count"
        case curveStandardDeviation = "curve_standard_deviation"
        case meanPerformance = "mean_performance"
        case oraclePerformance = "oracle_performance"
        case independentPerformance = "independent_performance"
        case multitaskPerformance = "multitask_performance"
        case trainingsToReachBaseline = "trainings_to_reach_baseline"
        case sampleEfficiency = "sample_efficiency"
        case batchSize = "batch_size"
    }

    /// The baseline a strategy must reach: the better of independent and multi-task training
    /// (independent alone when there is no multi-task value).
    public var baselinePerformance: Double {
        max(independentPerformance, multitaskPerformance ?? independentPerformance)
    }

    /// Returns the first k (from 1) at which `curve[k - 1]` reaches `baseline`, with a tolerance of
    /// 1e-12 for rounding in the means, or nil if no k does.
    public static func trainingsToReach(baseline: Double, curve: [Double]) -> Int? {
        curve.firstIndex { $0 >= baseline - 1e-12 }.map { $0 + 1 }
    }

    /// Returns the sample-efficiency factor `N / k*`: how many times fewer trainings than
    /// independent training (one per context) the strategy needs to reach the baseline.
    public static func sampleEfficiency(contextCount: Int, trainings: Int?) -> Double? {
        trainings.map { Double(contextCount) / Double($0) }
    }
}
