/// The zero-shot returns of policies trained on source contexts and evaluated on target
/// contexts, with the fixed bounds that normalise them.
///
/// `returns[i][j]` is the raw return of the policy trained on source `i`, evaluated on
/// target `j`. Sources and targets are the same N contexts, so the matrix is square. Each
/// return normalises to a performance in [0, 1]:
///
/// ```
/// T[i][j] = clamp((returns[i][j] - lower) / (upper - lower), 0, 1)
/// ```
///
/// with `lower...upper` the environment's return bounds (CartPole 0...500, Pendulum
/// -2200...-500, as in Cho et al., "Model-Based Transfer Learning for Contextual
/// Reinforcement Learning", NeurIPS 2024). After training a set S of sources, each target is
/// served by its best trained policy, and the generalized performance is
///
/// ```
/// V(S) = mean_j max_{i in S} T[i][j]
/// ```
public struct TransferMatrix: Equatable, Sendable {
    /// Raw returns, one row per source and one column per target.
    public let returns: [[Double]]
    /// Raw returns of one multi-task policy on each target, when one was trained.
    public let multitaskReturns: [Double]?
    /// A label per context, such as `length=0.5`, when known.
    public let labels: [String]?
    /// The returns that normalise to 0 and 1.
    public let returnBounds: ClosedRange<Double>
    /// Normalised performance `T[i][j]`, clamped to [0, 1].
    public let performance: [[Double]]

    /// Creates a matrix from raw returns.
    ///
    /// - Precondition: `returns` is square and finite, `multitaskReturns` and `labels` (when
    ///   given) have one entry per target, and the bounds have a positive width. The CSV
    ///   reader checks all of these and throws `TransferMatrixError` instead.
    public init(
        returns: [[Double]], returnBounds: ClosedRange<Double>, labels: [String]? = nil,
        multitaskReturns: [Double]? = nil
    ) {
        let count = returns.count
        precondition(count >= 1, "a transfer matrix needs at least one source")
        precondition(returns.allSatisfy { $0.count == count }, "a transfer matrix is square")
        precondition(returns.allSatisfy { $0.allSatisfy(\.isFinite) }, "returns must be finite")
        precondition(labels == nil || labels!.count == count, "one label per context")
        precondition(
            multitaskReturns == nil || multitaskReturns!.count == count,
            "one multi-task return per target")
        precondition(
            returnBounds.lowerBound < returnBounds.upperBound,
            "return bounds \(returnBounds) have no width")
        self.returns = returns
        self.returnBounds = returnBounds
        self.labels = labels
        self.multitaskReturns = multitaskReturns
        self.performance = returns.map { row in
            row.map { TransferMatrix.normalizedPerformance($0, returnBounds: returnBounds) }
        }
    }

    /// The performance of a raw return: its position between the bounds, clamped to [0, 1].
    public static func normalizedPerformance(
        _ rawReturn: Double, returnBounds: ClosedRange<Double>
    ) -> Double {
        let width = returnBounds.upperBound - returnBounds.lowerBound
        let fraction = (rawReturn - returnBounds.lowerBound) / width
        return min(max(fraction, 0), 1)
    }

    /// The number of contexts N (sources, and targets).
    public var count: Int { returns.count }

    // MARK: - Generalized performance

    /// The generalized performance `V(S) = mean_j max_{i in S} T[i][j]` of a set of sources.
    ///
    /// With no sources no target has a policy, and the value is 0.
    ///
    /// - Complexity: O(|S| N).
    public func generalizedPerformance(sources: some Collection<Int>) -> Double {
        if sources.isEmpty { return 0 }
        var total = 0.0
        for target in 0..<count {
            var best = 0.0
            for source in sources { best = max(best, performance[source][target]) }
            total += best
        }
        return total / Double(count)
    }

    /// The generalized performance after each prefix of a training order:
    /// `curve[k - 1] = V({s_1, ..., s_k})`.
    ///
    /// - Complexity: O(K N) for K sources.
    public func generalizedPerformanceCurve(order: [Int]) -> [Double] {
        var best = [Double](repeating: 0, count: count)
        return order.map { source in
            for target in 0..<count {
                best[target] = max(best[target], performance[source][target])
            }
            return best.reduce(0, +) / Double(count)
        }
    }

    /// The oracle transfer value `mean_j max_i T[i][j]`: every source trained, an upper bound
    /// for every strategy.
    public var oraclePerformance: Double {
        generalizedPerformance(sources: 0..<count)
    }

    /// The independent-training value `mean_j T[j][j]`: a policy trained on every target and
    /// used only there.
    public var independentPerformance: Double {
        (0..<count).reduce(0) { $0 + performance[$1][$1] } / Double(count)
    }

    /// The multi-task value `mean_j` of the multi-task policy's performance on target `j`,
    /// or nil when no multi-task returns were given.
    public var multitaskPerformance: Double? {
        guard let multitaskReturns else { return nil }
        let total = multitaskReturns.reduce(0.0) {
            $0 + TransferMatrix.normalizedPerformance($1, returnBounds: returnBounds)
        }
        return total / Double(count)
    }
}
