/// Settings shared by the selection strategies, offline and online.
public struct SelectionOptions: Sendable {
    /// The generalization-gap slope of MBTL-GP.
    public var gapSlope: GapSlope = .fixed(GapSlope.defaultSlope)
    /// The fitting settings of MBTL-GP's Gaussian process, including the seed of its restarts.
    public var gaussianProcess = GaussianProcessConfiguration()
    /// The seed of the random orderings.
    public var seed: UInt64 = 0
    /// How many random orderings an offline report of `random` averages.
    public var randomOrderings = 100
    /// The context set the matrix was made on. Without it the contexts are taken to be an
    /// evenly spaced one-dimensional grid in index order.
    public var contexts: ContextSet?
    /// The sources chosen per round (see `BatchSelection`); 1 chooses one at a time.
    public var batchSize = 1

    public init() {}
}

extension StrategyName {
    /// Creates the strategy of this name.
    ///
    /// - Parameters:
    ///   - options: Gap slope, Gaussian process and seed.
    ///   - matrix: The full transfer matrix, which only `sequential-oracle` needs.
    /// - Throws: `SelectionError.needsTransferMatrix` for `sequential-oracle` without a
    ///   matrix, and `.notSequential` for the reference values `oracle`, `independent` and
    ///   `multitask`.
    public func makeStrategy(
        options: SelectionOptions = SelectionOptions(), matrix: TransferMatrix? = nil
    ) throws -> any SelectionStrategy {
        switch self {
        case .mbtlGaussianProcess:
            return MBTLGaussianProcessStrategy(
                gaussianProcess: options.gaussianProcess, gapSlope: options.gapSlope)
        case .mbtlPseudoGreedy:
            return PseudoGreedyStrategy()
        case .mbtlEquidistant:
            return EquidistantStrategy()
        case .random:
            return RandomStrategy(seed: options.seed)
        case .sequentialOracle:
            guard let matrix else { throw SelectionError.needsTransferMatrix(strategy: rawValue) }
            return SequentialOracleStrategy(matrix: matrix)
        case .oracle, .independent, .multitask:
            throw SelectionError.notSequential(strategy: rawValue)
        }
    }
}

/// Runs a selection strategy offline on a stored transfer matrix and reports its curve
/// against the baselines.
///
/// Sequential strategies choose K sources one at a time, each seeing the matrix rows of the
/// sources trained before it. With `options.batchSize` Q above 1 they choose Q per round:
/// each choice uses the rows of earlier rounds and the fantasies of its own round. `random` averages `options.randomOrderings` orderings and
/// reports their mean curve and its spread. The reference values (`oracle`, `independent`,
/// `multitask`) report their value at every k.
///
/// - Parameters:
///   - matrix: The transfer matrix.
///   - strategy: The strategy or reference value.
///   - budget: The number of trainings K, from 1 to the number of contexts.
///   - options: Gap slope, Gaussian process, seeds and the context set.
/// - Throws: `SelectionError` for a budget out of range, a context set of the wrong size, a
///   strategy that cannot serve the set, a batch size below 1, or a missing multi-task row.
///   `GaussianProcessError` when MBTL-GP cannot fit its model.
public func runOfflineSelection(
    matrix: TransferMatrix, strategy: StrategyName, budget: Int,
    options: SelectionOptions = SelectionOptions()
) throws -> SelectionReport {
    let problem = try OfflineSelection.problem(matrix: matrix, budget: budget, options: options)
    switch strategy {
    case .oracle:
        return OfflineSelection.referenceReport(
            strategy.rawValue, value: matrix.oraclePerformance, matrix: matrix, budget: budget)
    case .independent:
        return OfflineSelection.referenceReport(
            strategy.rawValue, value: matrix.independentPerformance, matrix: matrix,
            budget: budget)
    case .multitask:
        guard let value = matrix.multitaskPerformance else {
            throw SelectionError.missingMultitaskReturns
        }
        return OfflineSelection.referenceReport(
            strategy.rawValue, value: value, matrix: matrix, budget: budget)
    case .random:
        // Random choices ignore what was observed, so rounds change nothing.
        var report = try OfflineSelection.randomReport(
            matrix: matrix, problem: problem, options: options)
        report.batchSize = options.batchSize
        return report
    case .mbtlGaussianProcess, .mbtlPseudoGreedy, .mbtlEquidistant, .sequentialOracle:
        let instance = try strategy.makeStrategy(options: options, matrix: matrix)
        return try runOfflineSelection(
            matrix: matrix, strategy: instance, budget: budget, options: options)
    }
}

/// Runs any sequential strategy offline on a stored transfer matrix.
///
/// - Throws: As `runOfflineSelection(matrix:strategy:budget:options:)`.
public func runOfflineSelection(
    matrix: TransferMatrix, strategy: any SelectionStrategy, budget: Int,
    options: SelectionOptions = SelectionOptions()
) throws -> SelectionReport {
    let problem = try OfflineSelection.problem(matrix: matrix, budget: budget, options: options)
    let batch = try BatchSelection(
        strategy: strategy, size: options.batchSize,
        gapSlope: options.gapSlope)
    let steps = try OfflineSelection.run(
        batch, problem: problem, matrix: matrix, contexts: options.contexts)
    var report = OfflineSelection.report(
        strategy.name, steps: steps, curve: steps.map(\.generalizedPerformance),
        matrix: matrix, budget: budget)
    report.batchSize = batch.size
    return report
}

/// The pieces of `runOfflineSelection`.
enum OfflineSelection {
    static func problem(
        matrix: TransferMatrix, budget: Int, options: SelectionOptions
    ) throws -> SelectionProblem {
        let geometry = options.contexts?.geometry ?? .evenGrid(count: matrix.count)
        guard geometry.count == matrix.count else {
            throw SelectionError.geometryMismatch(
                contexts: geometry.count, matrixSize: matrix.count)
        }
        return try SelectionProblem(geometry: geometry, budget: budget)
    }

    /// Plays a strategy for the whole budget, round by round, revealing the matrix rows of a
    /// round's choices after the round.
    static func run(
        _ batch: BatchSelection, problem: SelectionProblem, matrix: TransferMatrix,
        contexts: ContextSet?
    ) throws -> [SelectionReport.Step] {
        var observations: [SelectionObservation] = []
        var steps: [SelectionReport.Step] = []
        while observations.count < problem.budget {
          for decision in try batch.nextRound(problem: problem, observations: observations) {
            let source = decision.source
            precondition(
                !observations.contains { $0.source == source },
                "\(batch.strategy.name) chose source \(source) twice")
            observations.append(
                SelectionObservation(source: source, performance: matrix.performance[source]))
            steps.append(
                SelectionReport.Step(
                    k: observations.count, chosen: source,
                    label: contexts?.label(at: source) ?? matrix.labels?[source],
                    context: contexts?.variedValues(at: source),
                    generalizedPerformance: SelectionObservation.generalizedPerformance(
                        observations, targetCount: matrix.count),
                    decision: decision))
          }
        }
        return steps
    }

    /// Averages the curves of many random orderings and reports their spread.
    static func randomReport(
        matrix: TransferMatrix, problem: SelectionProblem, options: SelectionOptions
    ) throws -> SelectionReport {
        let orderings = options.randomOrderings
        guard orderings >= 1 else { throw SelectionError.invalidOrderingCount(count: orderings) }
        let budget = problem.budget
        var sums = [Double](repeating: 0, count: budget)
        var squares = [Double](repeating: 0, count: budget)
        for ordering in 0..<orderings {
            let strategy = RandomStrategy(seed: options.seed, ordering: ordering)
            let steps = try run(
                try BatchSelection(strategy: strategy, size: 1), problem: problem, matrix: matrix,
                contexts: nil)
            for (k, step) in steps.enumerated() {
                sums[k] += step.generalizedPerformance
                squares[k] += step.generalizedPerformance * step.generalizedPerformance
            }
        }
        let count = Double(orderings)
        let means = sums.map { $0 / count }
        // Population variance E[V^2] - E[V]^2, clamped at 0 against rounding.
        let deviations = zip(squares, means).map { max($0 / count - $1 * $1, 0).squareRoot() }
        return report(
            StrategyName.random.rawValue, steps: [], curve: means, matrix: matrix,
            budget: budget, standardDeviation: deviations, orderings: orderings)
    }

    static func referenceReport(
        _ name: String, value: Double, matrix: TransferMatrix, budget: Int
    ) -> SelectionReport {
        report(
            name, steps: [], curve: Array(repeating: value, count: budget), matrix: matrix,
            budget: budget, measuresEfficiency: false)
    }

    static func report(
        _ name: String, steps: [SelectionReport.Step], curve: [Double], matrix: TransferMatrix,
        budget: Int, standardDeviation: [Double]? = nil, orderings: Int? = nil,
        measuresEfficiency: Bool = true
    ) -> SelectionReport {
        let independent = matrix.independentPerformance
        let multitask = matrix.multitaskPerformance
        let baseline = max(independent, multitask ?? independent)
        let trainings =
            measuresEfficiency
            ? SelectionReport.trainingsToReach(baseline: baseline, curve: curve) : nil
        return SelectionReport(
            strategy: name, budget: budget, contextCount: matrix.count, steps: steps,
            curve: curve, curveStandardDeviation: standardDeviation, orderings: orderings,
            meanPerformance: curve.reduce(0, +) / Double(curve.count),
            oraclePerformance: matrix.oraclePerformance,
            independentPerformance: independent, multitaskPerformance: multitask,
            trainingsToReachBaseline: trainings,
            sampleEfficiency: SelectionReport.sampleEfficiency(
                contextCount: matrix.count, trainings: trainings))
    }
}
