import Environments
import Foundation

/// The target contexts of one experiment: the contexts themselves, the features that vary
/// across them, and their normalised coordinates for distances and for the Gaussian process.
///
/// A context set is usually parsed from a `--contexts` specification (see
/// `ContextSet.parse(_:environment:seed:)`). Source contexts are chosen among the same set,
/// so index `i` names both source `i` and target `i` of a transfer matrix.
///
/// Coordinates are computed per varied feature over the range the set spans:
///
/// ```
/// linear spacing:       u = (v - min) / (max - min)
/// logarithmic spacing:  u = (ln v - ln min) / (ln max - ln min)
/// ```
///
/// so the smallest value maps to 0 and the largest to 1. A feature that takes one value in
/// the whole set is not a varied feature and has no coordinate.
public struct ContextSet: Sendable {
    /// How the values of a varied feature are spaced, which decides its coordinate scale.
    public enum Spacing: String, Codable, Equatable, Sendable {
        /// Evenly spaced values, or values with no declared spacing.
        case linear
        /// Values spaced evenly in their logarithm.
        case logarithmic
    }

    /// A feature whose value differs between contexts of the set.
    public struct VariedFeature: Codable, Equatable, Sendable {
        /// The feature name, such as `length`.
        public let name: String
        /// The spacing, which decides the coordinate scale.
        public let spacing: Spacing
        /// The smallest value in the set, which has coordinate 0.
        public let minimum: Double
        /// The largest value in the set, which has coordinate 1.
        public let maximum: Double
    }

    /// The environment the contexts belong to, as its context space names it.
    public let environment: String
    /// The contexts, each with every declared feature in declaration order.
    public let contexts: [Context]
    /// The features that vary, in declaration order.
    public let variedFeatures: [VariedFeature]
    /// The normalised coordinates and the distance they define.
    public let geometry: ContextGeometry

    /// Creates a set from validated contexts.
    ///
    /// - Parameters:
    ///   - contexts: At least one context, each listing every feature of `space` in
    ///     declaration order (as `ContextSpace.context(overriding:)` returns them).
    ///   - space: The declared features.
    ///   - logarithmicFeatures: Features spaced on a log scale. A feature listed here whose
    ///     smallest value is not positive gets a linear scale.
    public init(
        contexts: [Context], space: ContextSpace, logarithmicFeatures: Set<String> = []
    ) {
        precondition(!contexts.isEmpty, "a context set needs at least one context")
        let names = space.features.map(\.name)
        precondition(
            contexts.allSatisfy { $0.names == names },
            "every context must list the features of \(space.environment) in declaration order")
        self.environment = space.environment
        self.contexts = contexts

        // Varied features, in declaration order
        var varied: [VariedFeature] = []
        var featureIndices: [Int] = []
        for (index, name) in names.enumerated() {
            let values = contexts.map { $0.values[index] }
            let minimum = values.min()!
            let maximum = values.max()!
            guard minimum < maximum else { continue }
            let isLogarithmic = logarithmicFeatures.contains(name) && minimum > 0
            varied.append(
                VariedFeature(
                    name: name, spacing: isLogarithmic ? .logarithmic : .linear,
                    minimum: minimum, maximum: maximum))
            featureIndices.append(index)
        }
        self.variedFeatures = varied

        // Coordinates in [0, 1] per varied feature
        let coordinates = contexts.map { context in
            zip(varied, featureIndices).map { feature, index in
                ContextSet.coordinate(of: context.values[index], on: feature)
            }
        }
        self.geometry = ContextGeometry(coordinates: coordinates)
    }

    /// The normalised coordinate of `value` on a varied feature, clamped to [0, 1] so that
    /// rounding in the logarithms cannot push the end points outside.
    static func coordinate(of value: Double, on feature: VariedFeature) -> Double {
        let fraction: Double
        switch feature.spacing {
        case .linear:
            fraction = (value - feature.minimum) / (feature.maximum - feature.minimum)
        case .logarithmic:
            fraction =
                (log(value) - log(feature.minimum))
                / (log(feature.maximum) - log(feature.minimum))
        }
        return min(max(fraction, 0), 1)
    }

    /// The number of contexts.
    public var count: Int { contexts.count }

    /// The normalised coordinates of each context, one value per varied feature.
    public var coordinates: [[Double]] { geometry.coordinates }

    /// A short label for context `index` that lists its varied features, such as
    /// `length=0.5,masscart=2.0`, or `default` when no feature varies.
    ///
    /// Values print in Swift's shortest form that reads back to the same `Double`.
    public func label(at index: Int) -> String {
        if variedFeatures.isEmpty { return "default" }
        let context = contexts[index]
        return variedFeatures.map { "\($0.name)=\(context[$0.name])" }.joined(separator: ",")
    }

    /// The varied features of context `index` by name, for JSON output.
    public func variedValues(at index: Int) -> [String: Double] {
        let context = contexts[index]
        var values: [String: Double] = [:]
        for feature in variedFeatures { values[feature.name] = context[feature.name] }
        return values
    }
}
