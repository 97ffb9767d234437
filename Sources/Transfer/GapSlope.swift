/// The slope `theta` of the generalization gap: how fast zero-shot performance falls with the
/// distance between source and target, in normalised performance per unit of normalised
/// distance.
///
/// MBTL models the performance of the policy trained on `x` at target `x'` as
/// `T(x, x') = T(x, x) - theta d(x, x')`. On a one-dimensional grid the whole grid spans
/// distance 1, so a slope of 0.5 means that a policy loses half of the performance range
/// across the grid. That matches the MBTL reference code's slope of 0.005 per grid step on
/// grids of about 100 contexts.
public enum GapSlope: Codable, Equatable, Sendable {
    /// A fixed slope.
    case fixed(Double)
    /// A slope fitted from the observed transfers, or `fallback` when nothing can be fitted.
    case fitted(fallback: Double)

    /// The default fixed slope.
    public static let defaultSlope = 0.5

    /// Parses `--gap`: `fit`, or a non-negative number.
    ///
    /// - Throws: `SelectionError.invalidGapSlope`.
    public init(parsing text: String) throws {
        if text.lowercased() == "fit" {
            self = .fitted(fallback: GapSlope.defaultSlope)
            return
        }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw SelectionError.invalidGapSlope(text: text)
        }
        self = .fixed(value)
    }

    /// Returns the slope to use after `observations`: the fixed value, or the fit.
    public func value(
        observations: [SelectionObservation], geometry: ContextGeometry
    ) -> Double {
        switch self {
        case .fixed(let slope):
            return slope
        case .fitted(let fallback):
            return GapSlope.leastSquaresSlope(observations: observations, geometry: geometry)
                ?? fallback
        }
    }

    /// The least-squares slope through the origin of the observed gaps against distance.
    ///
    /// Over every observed source i and every target j:
    ///
    /// ```
    /// theta = sum_ij d(i, j) (T[i][i] - T[i][j]) / sum_ij d(i, j)^2
    /// ```
    ///
    /// A negative fit (targets doing better than the source itself on average) would make
    /// the acquisition reward distance, so the slope is clamped at 0.
    ///
    /// - Returns: The slope, or nil when every distance is 0 (no observations, or a single
    ///   context).
    public static func leastSquaresSlope(
        observations: [SelectionObservation], geometry: ContextGeometry
    ) -> Double? {
        var crossProducts = 0.0
        var squares = 0.0
        for observation in observations {
            let i = observation.source
            let diagonal = observation.performance[i]
            for j in 0..<geometry.count {
                let distance = geometry.distance(i, j)
                crossProducts += distance * (diagonal - observation.performance[j])
                squares += distance * distance
            }
        }
        guard squares > 0 else { return nil }
        return max(crossProducts / squares, 0)
    }
}
