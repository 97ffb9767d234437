import Numerics

/// Uniform random selection without replacement.
///
/// The strategy draws one permutation of the candidates from
/// `RandomStream(seed: seed).child(ordering)` and trains its elements in order, skipping any
/// already trained. Different `ordering` values give independent orderings of one seed, which
/// is how offline reports average over many of them.
public struct RandomStrategy: SelectionStrategy {
    /// The seed of the orderings.
    public var seed: UInt64
    /// The index of the ordering of that seed to follow.
    public var ordering: Int

    public init(seed: UInt64 = 0, ordering: Int = 0) {
        self.seed = seed
        self.ordering = ordering
    }

    public var name: String { StrategyName.random.rawValue }

    public func nextSource(
        problem: SelectionProblem, observations: [SelectionObservation]
    ) throws -> SelectionDecision {
        let trained = problem.trainedSources(observations)
        var stream = RandomStream(seed: seed).child(ordering)
        let permutation = stream.permutation(problem.count)
        let source = permutation.first { !trained.contains($0) }!
        return SelectionDecision(step: observations.count, source: source)
    }
}

/// The sequential oracle: greedy selection with the full transfer matrix known in advance.
///
/// Step k trains the untrained source that maximises the generalized performance of the
/// sources so far plus itself, `V(S + {i})`, ties going to the lowest index. It needs every
/// transfer, so it exists only offline, as a reference for what sequential selection could
/// reach.
public struct SequentialOracleStrategy: SelectionStrategy {
    /// The full matrix the oracle looks up.
    public let matrix: TransferMatrix

    public init(matrix: TransferMatrix) {
        self.matrix = matrix
    }

    public var name: String { StrategyName.sequentialOracle.rawValue }

    /// Chooses the source with the largest generalized performance once added.
    ///
    /// - Precondition: The problem has as many candidates as the matrix has contexts.
    /// - Complexity: O(N^2) for N contexts.
    public func nextSource(
        problem: SelectionProblem, observations: [SelectionObservation]
    ) throws -> SelectionDecision {
        precondition(problem.count == matrix.count, "the problem and the matrix differ in size")
        let trained = problem.trainedSources(observations)
        var best = [Double](repeating: 0, count: matrix.count)
        for source in trained {
            for j in 0..<matrix.count { best[j] = max(best[j], matrix.performance[source][j]) }
        }
        var chosen: (source: Int, value: Double)?
        for source in 0..<matrix.count where !trained.contains(source) {
            var total = 0.0
            for j in 0..<matrix.count { total += max(best[j], matrix.performance[source][j]) }
            let value = total / Double(matrix.count)
            if chosen == nil || value > chosen!.value { chosen = (source, value) }
        }
        return SelectionDecision(step: observations.count, source: chosen!.source)
    }
}
