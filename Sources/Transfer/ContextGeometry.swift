/// The positions of a set of contexts in normalised coordinates, and the distance between two
/// of them that transfer selection uses.
///
/// Every coordinate lies in [0, 1]: each varied feature is scaled so that the set spans the
/// whole unit interval on it (on a log scale for a log-spaced feature). The distance depends on
/// the shape of the set:
///
/// ```
/// one varied feature:   d(i, j) = |rank(i) - rank(j)| / (N - 1)
/// several features:     d(i, j) = sum_f |u_f(i) - u_f(j)|
/// ```
///
/// where `rank` is a context's position when the set is sorted along its varied feature and
/// `u_f` is the normalised coordinate on feature `f`. On an evenly spaced grid the rank
/// distance equals the coordinate distance, so the whole grid spans 1 under both.
public struct ContextGeometry: Equatable, Sendable {
    /// The shape of a context set, which decides the distance.
    public enum Shape: String, Codable, Equatable, Sendable {
        /// One context, or contexts that differ in no feature.
        case single
        /// Contexts that differ in exactly one feature: distances count grid positions.
        case oneDimensional = "one_dimensional"
        /// Contexts that differ in several features: distances are L1 over coordinates.
        case multiDimensional = "multi_dimensional"
    }

    /// The normalised coordinates of each context, one value per varied feature.
    public let coordinates: [[Double]]
    /// The shape, which decides the distance.
    public let shape: Shape
    /// For a one-dimensional set, each context's position in the sorted order (0 for the
    /// smallest value); empty otherwise.
    public let ranks: [Int]

    /// Creates a geometry from normalised coordinates.
    ///
    /// The shape follows from the number of coordinates per context: none gives `single`, one
    /// gives `oneDimensional` and more give `multiDimensional`. Ranks of a one-dimensional set
    /// sort by coordinate, ties keeping their order.
    ///
    /// - Precondition: Every context has the same number of coordinates.
    public init(coordinates: [[Double]]) {
        let dimension = coordinates.first?.count ?? 0
        precondition(
            coordinates.allSatisfy { $0.count == dimension },
            "every context needs \(dimension) coordinates")
        self.coordinates = coordinates
        switch dimension {
        case 0:
            shape = .single
            ranks = []
        case 1:
            shape = .oneDimensional
            let order = coordinates.indices.sorted {
                (coordinates[$0][0], $0) < (coordinates[$1][0], $1)
            }
            var ranks = [Int](repeating: 0, count: coordinates.count)
            for (rank, index) in order.enumerated() { ranks[index] = rank }
            self.ranks = ranks
        default:
            shape = .multiDimensional
            ranks = []
        }
    }

    /// An evenly spaced one-dimensional grid of `count` contexts in index order, the geometry
    /// assumed for a transfer matrix read without its contexts.
    public static func evenGrid(count: Int) -> ContextGeometry {
        precondition(count >= 1, "a grid needs at least one context, got \(count)")
        if count == 1 { return ContextGeometry(coordinates: [[]]) }
        let last = Double(count - 1)
        return ContextGeometry(coordinates: (0..<count).map { [Double($0) / last] })
    }

    /// The number of contexts.
    public var count: Int { coordinates.count }

    /// The number of varied features.
    public var dimension: Int { coordinates.first?.count ?? 0 }

    /// The distance between contexts `i` and `j`, in [0, 1] for a one-dimensional set and in
    /// [0, dimension] otherwise.
    public func distance(_ i: Int, _ j: Int) -> Double {
        switch shape {
        case .single:
            return 0
        case .oneDimensional:
            return Double(abs(ranks[i] - ranks[j])) / Double(count - 1)
        case .multiDimensional:
            var total = 0.0
            for (a, b) in zip(coordinates[i], coordinates[j]) { total += abs(a - b) }
            return total
        }
    }

    /// The contexts in increasing order along the varied feature of a one-dimensional set.
    ///
    /// - Precondition: The set is one-dimensional.
    public var sortedIndices: [Int] {
        precondition(shape == .oneDimensional, "only a one-dimensional set has a sort order")
        var order = [Int](repeating: 0, count: count)
        for (index, rank) in ranks.enumerated() { order[rank] = index }
        return order
    }
}
