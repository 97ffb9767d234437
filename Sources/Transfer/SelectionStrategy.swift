/// The result of one training: the source it trained on and the normalised zero-shot
/// performance of its policy on every target.
public struct SelectionObservation: Codable, Equatable, Sendable {
    /// The index of the source context that was trained.
    public let source: Int
    /// The normalised performance `T[source][j]` in [0, 1] on each target `j`.
    public let performance: [Double]

    public init(source: Int, performance: [Double]) {
        self.source = source
        self.performance = performance
    }

    /// The best observed performance on each target, `U_j = max_{i in S} T[i][j]`, with 0
    /// for every target when nothing has been observed.
    public static func bestPerformance(
        _ observations: [SelectionObservation], targetCount: Int
    ) -> [Double] {
        var best = [Double](repeating: 0, count: targetCount)
        for observation in observations {
            for j in 0..<targetCount { best[j] = max(best[j], observation.performance[j]) }
        }
        return best
    }

    /// The generalized performance `V(S) = mean_j U_j` of the observed sources, or 0 when
    /// nothing has been observed.
    public static func generalizedPerformance(
        _ observations: [SelectionObservation], targetCount: Int
    ) -> Double {
        bestPerformance(observations, targetCount: targetCount).reduce(0, +)
            / Double(targetCount)
    }
}

/// The fixed part of a selection: the candidate contexts and the number of trainings.
public struct SelectionProblem: Sendable {
    /// The candidates' coordinates and distances; candidates are both sources and targets.
    public let geometry: ContextGeometry
    /// The number of trainings K the selection may spend.
    public let budget: Int

    /// Creates a problem.
    ///
    /// - Throws: `SelectionError.budgetOutOfRange` unless 1 <= budget <= candidates.
    public init(geometry: ContextGeometry, budget: Int) throws {
        guard budget >= 1 && budget <= geometry.count else {
            throw SelectionError.budgetOutOfRange(budget: budget, candidates: geometry.count)
        }
        self.geometry = geometry
        self.budget = budget
    }

    /// The number of candidates N.
    public var count: Int { geometry.count }
}

/// A strategy's choice of the next source and what it computed to make it.
///
/// The candidate arrays are parallel: entry `m` of each describes candidate `candidates[m]`.
/// Only model-based strategies fill them; the others leave them empty.
public struct SelectionDecision: Codable, Equatable, Sendable {
    /// The 0-based step k: the number of trainings before this choice.
    public let step: Int
    /// The chosen source index.
    public let source: Int
    /// The candidates the strategy scored (those not yet trained).
    public var candidates: [Int] = []
    /// The model's predicted training performance `mu(x)` at each candidate.
    public var predictedMeans: [Double] = []
    /// The model's predictive standard deviation `sigma(x)` at each candidate.
    public var predictedStandardDeviations: [Double] = []
    /// The acquisition value `a(x)` of each candidate.
    public var acquisitionValues: [Double] = []
    /// The exploration weight `beta_k` of the acquisition.
    public var explorationWeight: Double?
    /// The generalization-gap slope `theta` the acquisition used.
    public var gapSlope: Double?
    /// The Gaussian process's fitted hyperparameters.
    public var hyperparameters: KernelHyperparameters?
    /// The Gaussian process's log marginal likelihood at those hyperparameters.
    public var logMarginalLikelihood: Double?

    public init(step: Int, source: Int) {
        self.step = step
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case step, source, candidates
        case predictedMeans = "predicted_means"
        case predictedStandardDeviations = "predicted_standard_deviations"
        case acquisitionValues = "acquisition_values"
        case explorationWeight = "exploration_weight"
        case gapSlope = "gap_slope"
        case hyperparameters
        case logMarginalLikelihood = "log_marginal_likelihood"
    }
}

/// A rule that picks the next source context to train, given what earlier trainings showed.
///
/// The same strategy serves offline selection on a stored transfer matrix and online
/// selection where each choice is trained for real:
///
/// ```
/// var observations: [SelectionObservation] = []
/// for _ in 0..<problem.budget {
///     let decision = try strategy.nextSource(problem: problem, observations: observations)
///     let row = train(decision.source)   // normalised performance on every target
///     observations.append(SelectionObservation(source: decision.source, performance: row))
/// }
/// ```
///
/// A strategy holds no mutable state: its choice depends only on the problem, the
/// observations in training order, and the strategy's own configuration and seed, so a rerun
/// makes the same choices.
public protocol SelectionStrategy: Sendable {
    /// The strategy's name, as `--strategy` spells it.
    var name: String { get }

    /// Chooses the next source.
    ///
    /// - Parameters:
    ///   - problem: The candidates and the budget.
    ///   - observations: One observation per training so far, in training order, each with a
    ///     distinct source and one performance value per candidate.
    /// - Returns: A source not yet trained, with the record of what the strategy computed.
    /// - Throws: `SelectionError` when the strategy cannot serve this problem, or the error
    ///   of its model (such as `GaussianProcessError`).
    func nextSource(
        problem: SelectionProblem, observations: [SelectionObservation]
    ) throws -> SelectionDecision
}

extension SelectionProblem {
    /// Checks the observations against the problem and returns the trained sources.
    ///
    /// - Precondition: Fewer observations than candidates, each with a distinct source in
    ///   range and one performance value per candidate.
    func trainedSources(_ observations: [SelectionObservation]) -> Set<Int> {
        precondition(observations.count < count, "every candidate is already trained")
        var trained = Set<Int>()
        for observation in observations {
            precondition(
                observation.source >= 0 && observation.source < count,
                "source \(observation.source) outside 0..<\(count)")
            precondition(
                observation.performance.count == count,
                "observation of source \(observation.source) has "
                    + "\(observation.performance.count) values for \(count) targets")
            precondition(
                trained.insert(observation.source).inserted,
                "source \(observation.source) is observed twice")
        }
        return trained
    }
}
