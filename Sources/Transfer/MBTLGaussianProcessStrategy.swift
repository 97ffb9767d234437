import Foundation
import Numerics

/// Model-based transfer learning (MBTL) with a Gaussian process: Cho et al.,
/// "Model-Based Transfer Learning for Contextual Reinforcement Learning", NeurIPS 2024.
///
/// Step k = 0 trains the middle of the context range. At step k >= 1 a Gaussian process is
/// fitted to the training performance observed so far, `T[i][i]` at each trained source i
/// (inputs are the sources' normalised coordinates). Every untrained candidate x then gets
///
/// ```
/// a(x)   = mean_j max(0, mu(x) + beta_k sigma(x) - theta d(x, x_j) - U_j)
/// beta_k = sqrt(ln(k + 1))
/// U_j    = max over trained sources i of T[i][j]
/// ```
///
/// the predicted gain in generalized performance if x were trained: its optimistic training
/// performance, reduced by the generalization gap `theta d` to each target, above the best
/// performance each target already has. The candidate with the largest `a(x)` is chosen, and
/// ties go to the lowest index. So when no candidate promises any gain, the lowest untrained
/// index is chosen.
public struct MBTLGaussianProcessStrategy: SelectionStrategy {
    /// The fitting settings of the Gaussian process at each step. The restart draws of step k
    /// use the seed of child stream k of `gaussianProcess.seed`.
    public var gaussianProcess: GaussianProcessConfiguration
    /// The generalization-gap slope `theta`.
    public var gapSlope: GapSlope

    public init(
        gaussianProcess: GaussianProcessConfiguration = GaussianProcessConfiguration(),
        gapSlope: GapSlope = .fixed(GapSlope.defaultSlope)
    ) {
        self.gaussianProcess = gaussianProcess
        self.gapSlope = gapSlope
    }

    public var name: String { StrategyName.mbtlGaussianProcess.rawValue }

    /// Chooses the next source; see the type's documentation for the rule.
    ///
    /// - Throws: `GaussianProcessError` when the process cannot be fitted.
    /// - Complexity: O(n^3) per likelihood evaluation to fit the process to n observations,
    ///   then O(N (n^2 + N D)) to score N candidates of dimension D.
    public func nextSource(
        problem: SelectionProblem, observations: [SelectionObservation]
    ) throws -> SelectionDecision {
        let geometry = problem.geometry
        let trained = problem.trainedSources(observations)
        let step = observations.count
        if step == 0 {
            return SelectionDecision(step: 0, source: geometry.middleCandidate(excluding: []))
        }

        // Fit the process to the training performance at the trained sources
        let inputs = observations.map { geometry.coordinates[$0.source] }
        let targets = observations.map { $0.performance[$0.source] }
        var configuration = gaussianProcess
        configuration.seed = RandomStream(seed: gaussianProcess.seed).child(step).seed
        let model = try GaussianProcessRegressor.fit(
            inputs: inputs, targets: targets, configuration: configuration)

        // Score every untrained candidate
        let candidates = (0..<problem.count).filter { !trained.contains($0) }
        let predictions = candidates.map { model.predict(at: geometry.coordinates[$0]) }
        let slope = gapSlope.value(observations: observations, geometry: geometry)
        let beta = Self.explorationWeight(step: step)
        let best = SelectionObservation.bestPerformance(observations, targetCount: problem.count)
        let values = zip(candidates, predictions).map { candidate, prediction in
            Self.acquisition(
                mean: prediction.mean, standardDeviation: prediction.standardDeviation,
                explorationWeight: beta, gapSlope: slope,
                distances: (0..<problem.count).map { geometry.distance(candidate, $0) },
                bestPerformance: best)
        }

        // The first maximum is the lowest index, because candidates are in increasing order.
        var chosen = 0
        for m in values.indices where values[m] > values[chosen] { chosen = m }
        var decision = SelectionDecision(step: step, source: candidates[chosen])
        decision.candidates = candidates
        decision.predictedMeans = predictions.map(\.mean)
        decision.predictedStandardDeviations = predictions.map(\.standardDeviation)
        decision.acquisitionValues = values
        decision.explorationWeight = beta
        decision.gapSlope = slope
        decision.hyperparameters = model.hyperparameters
        decision.logMarginalLikelihood = model.logMarginalLikelihood
        return decision
    }

    /// Returns the exploration weight `beta_k = sqrt(ln(k + 1))` at 0-based step k.
    public static func explorationWeight(step: Int) -> Double {
        log(Double(step + 1)).squareRoot()
    }

    /// Computes the MBTL acquisition value of one candidate,
    /// `mean_j max(0, mean + beta sigma - theta d_j - U_j)`.
    ///
    /// - Parameters:
    ///   - mean: The predicted training performance `mu(x)`.
    ///   - standardDeviation: The predictive standard deviation `sigma(x)`.
    ///   - explorationWeight: `beta_k`.
    ///   - gapSlope: `theta`.
    ///   - distances: `d(x, x_j)` for every target j.
    ///   - bestPerformance: `U_j` for every target j.
    public static func acquisition(
        mean: Double, standardDeviation: Double, explorationWeight: Double, gapSlope: Double,
        distances: [Double], bestPerformance: [Double]
    ) -> Double {
        precondition(distances.count == bestPerformance.count, "one distance per target")
        let optimistic = mean + explorationWeight * standardDeviation
        var total = 0.0
        for (distance, best) in zip(distances, bestPerformance) {
            total += max(0, optimistic - gapSlope * distance - best)
        }
        return total / Double(distances.count)
    }
}
