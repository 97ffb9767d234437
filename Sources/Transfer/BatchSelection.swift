/// Chooses several sources per round, so that their trainings can run at once.
///
/// A sequential strategy such as MBTL-GP chooses each source from the results of all earlier
/// trainings. To choose Q sources before any of them is trained, each choice is followed by a
/// *fantasy*: the observation the strategy's own model expects at the chosen source, which
/// the next choice of the round treats as if it had been observed (the "kriging believer" of
/// batch Bayesian optimisation). The fantasy of source x is
///
/// ```
/// T[x][j] = clamp(mu(x) - theta d(x, x_j), 0, 1)
/// ```
///
/// with `mu(x)` the model's predicted training performance and `theta` the gap slope of the
/// decision. The Gaussian process is refitted with `mu(x)` at x, which shrinks its
/// uncertainty there. Each target's best performance `U_j` rises to what x is expected to
/// give it. Both steer the next choice away from x. A decision without a model (the first
/// choice, and the strategies that ignore performance) fantasizes `mu(x) = 1`, the best
/// normalised performance, with the slope of `gapSlope`.
///
/// With Q = 1 this is the sequential strategy itself.
public struct BatchSelection: Sendable {
    /// The strategy that makes each choice.
    public let strategy: any SelectionStrategy
    /// The largest number of sources per round, Q.
    public let size: Int
    /// The gap slope of fantasies whose decision carries none.
    public let gapSlope: GapSlope

    /// Creates a batch selection of up to `size` sources per round.
    ///
    /// - Throws: `SelectionError.invalidBatchSize` when `size` is below 1.
    public init(
        strategy: any SelectionStrategy, size: Int,
        gapSlope: GapSlope = .fixed(GapSlope.defaultSlope)
    ) throws {
        guard size >= 1 else { throw SelectionError.invalidBatchSize(size: size) }
        self.strategy = strategy
        self.size = size
        self.gapSlope = gapSlope
    }

    /// Chooses the sources of the next round: `min(size, budget - observations.count)` of
    /// them, each decision made with the fantasies of the round's earlier choices.
    ///
    /// - Parameter observations: The real observations of earlier rounds.
    /// - Throws: The errors of the strategy's `nextSource(problem:observations:)`.
    public func nextRound(
        problem: SelectionProblem, observations: [SelectionObservation]
    ) throws -> [SelectionDecision] {
        let count = min(size, problem.budget - observations.count)
        var believed = observations
        var decisions: [SelectionDecision] = []
        for _ in 0..<count {
            let decision = try strategy.nextSource(problem: problem, observations: believed)
            decisions.append(decision)
            believed.append(
                fantasy(of: decision, geometry: problem.geometry, observations: believed))
        }
        return decisions
    }

    /// Returns the observation the decision's model expects at its chosen source.
    ///
    /// - Parameter observations: What the decision was made from, for a fitted `gapSlope`.
    public func fantasy(
        of decision: SelectionDecision, geometry: ContextGeometry,
        observations: [SelectionObservation]
    ) -> SelectionObservation {
        let position = decision.candidates.firstIndex(of: decision.source)
        let mean = position.map { decision.predictedMeans[$0] } ?? 1
        let slope =
            decision.gapSlope ?? gapSlope.value(observations: observations, geometry: geometry)
        let performance = (0..<geometry.count).map { target in
            min(max(mean - slope * geometry.distance(decision.source, target), 0), 1)
        }
        return SelectionObservation(source: decision.source, performance: performance)
    }
}
