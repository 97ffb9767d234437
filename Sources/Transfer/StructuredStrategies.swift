/// Pseudo-greedy selection (MBTL-PS): train the middle of the range, then repeatedly split the
/// largest stretch of the range that no trained source covers.
///
/// Positions are grid positions 0 ... N-1 along the varied feature (ranks). The ends of the
/// range, 0 and N-1, act as fixed boundary points. With the boundaries and the trained
/// positions sorted as `p_0 <= p_1 <= ... <= p_M`, the largest gap `p_m+1 - p_m` (the first
/// one on ties) is split at
///
/// ```
/// (2 p_0 + p_1) / 3           when it is the first gap (one third from the lower end)
/// (p_M-1 + 2 p_M) / 3         when it is the last gap (one third from the upper end)
/// (p_m + p_m+1) / 2           otherwise (the midpoint)
/// ```
///
/// and the untrained candidate nearest that position is chosen, ties going to the lower
/// position. Step 0 takes the position (N - 1) / 2. This follows the MBTL reference code
/// (Cho et al., 2024), except that the reference may pick an already trained position when
/// rounding lands on one, while this strategy takes the nearest untrained one.
///
/// The rule is defined on sets that vary one feature; other sets raise
/// `SelectionError.needsOneDimensionalSet`.
public struct PseudoGreedyStrategy: SelectionStrategy {
    public init() {}

    public var name: String { StrategyName.mbtlPseudoGreedy.rawValue }

    public func nextSource(
        problem: SelectionProblem, observations: [SelectionObservation]
    ) throws -> SelectionDecision {
        let geometry = try problem.oneDimensionalGeometry(strategy: name)
        let trained = problem.trainedSources(observations)
        let step = observations.count
        if geometry.shape == .single || step == 0 {
            return SelectionDecision(step: step, source: geometry.middleCandidate(excluding: []))
        }
        let last = Double(problem.count - 1)
        let points = ([0, last] + trained.map { Double(geometry.ranks[$0]) }).sorted()
        var largest = 0
        for m in 0..<(points.count - 1)
        where points[m + 1] - points[m] > points[largest + 1] - points[largest] {
            largest = m
        }
        let lower = points[largest]
        let upper = points[largest + 1]
        let position: Double
        if largest == 0 {
            position = (2 * lower + upper) / 3
        } else if largest == points.count - 2 {
            position = (lower + 2 * upper) / 3
        } else {
            position = (lower + upper) / 2
        }
        return SelectionDecision(
            step: step, source: geometry.nearestCandidate(toRank: position, excluding: trained))
    }
}

/// Equidistant selection (MBTL-ES): the centres of K equal bins of the range, for budget K.
///
/// In grid positions 0 ... N-1, the centre of bin b (b = 0 ... K-1, from the top) is
///
/// ```
/// c_b = (N - 1) (2 (K - b) - 1) / (2 K)
/// ```
///
/// so step k trains the untrained candidate nearest `c_k`, ties going to the lower position.
/// The order, from the upper end of the range down, is that of the MBTL reference code
/// (Cho et al., 2024). After K steps the set is the same in any order.
///
/// The rule is defined on sets that vary one feature; other sets raise
/// `SelectionError.needsOneDimensionalSet`.
public struct EquidistantStrategy: SelectionStrategy {
    public init() {}

    public var name: String { StrategyName.mbtlEquidistant.rawValue }

    public func nextSource(
        problem: SelectionProblem, observations: [SelectionObservation]
    ) throws -> SelectionDecision {
        let geometry = try problem.oneDimensionalGeometry(strategy: name)
        let trained = problem.trainedSources(observations)
        let step = observations.count
        if geometry.shape == .single {
            return SelectionDecision(step: step, source: 0)
        }
        // Beyond the budget the bins wrap around, which only an online caller that ignores
        // the budget would reach.
        let bin = step % problem.budget
        let numerator = (problem.count - 1) * (2 * (problem.budget - bin) - 1)
        let position = Double(numerator) / Double(2 * problem.budget)
        return SelectionDecision(
            step: step, source: geometry.nearestCandidate(toRank: position, excluding: trained))
    }
}

// MARK: - Positions on a grid

extension SelectionProblem {
    /// Returns the geometry when it is one-dimensional or a single context.
    ///
    /// - Throws: `SelectionError.needsOneDimensionalSet` for a multi-dimensional set.
    func oneDimensionalGeometry(strategy: String) throws -> ContextGeometry {
        guard geometry.shape != .multiDimensional else {
            throw SelectionError.needsOneDimensionalSet(strategy: strategy, shape: geometry.shape)
        }
        return geometry
    }
}

extension ContextGeometry {
    /// Returns the candidate in the middle of the range, skipping `excluded` ones.
    ///
    /// On a one-dimensional set it is the one nearest position (N - 1) / 2, ties going to the
    /// lower position. On a multi-dimensional set it is the one nearest the centre
    /// (0.5, ..., 0.5) in L1 distance over the normalised coordinates, ties going to the
    /// lower index.
    func middleCandidate(excluding excluded: Set<Int>) -> Int {
        switch shape {
        case .single:
            return 0
        case .oneDimensional:
            return nearestCandidate(toRank: Double(count - 1) / 2, excluding: excluded)
        case .multiDimensional:
            var best: (index: Int, distance: Double)?
            for index in 0..<count where !excluded.contains(index) {
                let distance = coordinates[index].reduce(0) { $0 + abs($1 - 0.5) }
                if best == nil || distance < best!.distance { best = (index, distance) }
            }
            return best!.index
        }
    }

    /// Returns the candidate of a one-dimensional set whose rank is nearest `position`,
    /// skipping `excluded` ones. Ties go to the lower rank.
    func nearestCandidate(toRank position: Double, excluding excluded: Set<Int>) -> Int {
        var best: (index: Int, distance: Double)?
        for index in sortedIndices where !excluded.contains(index) {
            let distance = abs(Double(ranks[index]) - position)
            if best == nil || distance < best!.distance { best = (index, distance) }
        }
        precondition(best != nil, "every candidate is excluded")
        return best!.index
    }
}
