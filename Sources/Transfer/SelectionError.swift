/// An error in setting up or running a selection.
public enum SelectionError: Error, Equatable, CustomStringConvertible {
    /// The strategy name is not known.
    case unknownStrategy(name: String)
    /// The budget is not between 1 and the number of candidates.
    case budgetOutOfRange(budget: Int, candidates: Int)
    /// The strategy is defined on one-dimensional context sets only.
    case needsOneDimensionalSet(strategy: String, shape: ContextGeometry.Shape)
    /// The multi-task reference value was asked for, but the matrix has no multi-task row.
    case missingMultitaskReturns
    /// The strategy needs the full transfer matrix, which online selection does not have.
    case needsTransferMatrix(strategy: String)
    /// The geometry describes a different number of contexts from the matrix.
    case geometryMismatch(contexts: Int, matrixSize: Int)
    /// The gap slope is neither `fit` nor a non-negative number.
    case invalidGapSlope(text: String)
    /// The number of random orderings is below 1.
    case invalidOrderingCount(count: Int)
    /// A reference value was asked to choose sources one at a time.
    case notSequential(strategy: String)
    /// The number of sources chosen per round is below 1.
    case invalidBatchSize(size: Int)

    public var description: String {
        switch self {
        case .unknownStrategy(let name):
            let names = StrategyName.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown strategy '\(name)'; use one of \(names)"
        case .budgetOutOfRange(let budget, let candidates):
            return "budget \(budget) is invalid for \(candidates) contexts; give a number of "
                + "trainings from 1 to \(candidates)"
        case .needsOneDimensionalSet(let strategy, let shape):
            return "strategy \(strategy) is defined on context sets that vary one feature, "
                + "but this set is \(shape.rawValue.replacingOccurrences(of: "_", with: "-")); "
                + "use mbtl-gp or random, or vary a single feature"
        case .missingMultitaskReturns:
            return "the transfer matrix has no multi-task row; add a last row with the "
                + "multi-task policy's return on each target"
        case .needsTransferMatrix(let strategy):
            return "strategy \(strategy) needs the full transfer matrix, which exists only "
                + "offline; run it with 'ctxrl select'"
        case .geometryMismatch(let contexts, let matrixSize):
            return "the context set has \(contexts) contexts but the transfer matrix is "
                + "\(matrixSize) x \(matrixSize); give the context set the matrix was made on"
        case .invalidGapSlope(let text):
            return "gap slope '\(text)' is invalid; give 'fit' or a non-negative number of "
                + "normalised performance per unit of normalised distance (default 0.5)"
        case .invalidOrderingCount(let count):
            return "\(count) random orderings is invalid; give at least 1"
        case .notSequential(let strategy):
            return "\(strategy) is a reference value, not a strategy that chooses sources one "
                + "at a time; use mbtl-gp, mbtl-ps, mbtl-es, random or sequential-oracle"
        case .invalidBatchSize(let size):
            return "batch size \(size) is invalid; give at least 1 source per round"
        }
    }
}
