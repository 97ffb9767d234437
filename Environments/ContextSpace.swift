/// The part of an environment that a context feature changes.
public enum FeatureEffect: String, Codable, Sendable, CaseIterable {
    /// The equations of motion.
    case dynamics
    /// The reward.
    case reward
    /// When an episode terminates.
    case termination
    /// The distribution of the state drawn at reset.
    case reset
    /// The bounds of the action space.
    case actionBounds = "action_bounds"
    /// Only the rendered picture; the simulation is unchanged.
    case pictureOnly = "picture_only"
}

/// One context feature, declared once: its name, default, bounds, unit and what it changes.
public struct ContextFeature: Codable, Equatable, Sendable {
    /// The CARL name, such as `length` or `masscart`.
    public let name: String
    /// The value at the default context (Gymnasium's constant).
    public let defaultValue: Double
    /// The smallest accepted value.
    public let lowerBound: Double
    /// The largest accepted value.
    public let upperBound: Double
    /// The unit, such as `m`, `kg`, `s` or `rad/s`; empty for dimensionless features.
    public let unit: String
    /// The parts of the environment that a change of this feature changes.
    public let effects: [FeatureEffect]
    /// A one-line description for `ctxrl envs`.
    public let summary: String

    public init(
        name: String, defaultValue: Double, lowerBound: Double, upperBound: Double,
        unit: String, effects: [FeatureEffect], summary: String
    ) {
        precondition(lowerBound <= defaultValue && defaultValue <= upperBound,
                     "default of \(name) outside its bounds")
        self.name = name
        self.defaultValue = defaultValue
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.unit = unit
        self.effects = effects
        self.summary = summary
    }
}

/// An error in a requested context.
public enum ContextError: Error, Equatable, CustomStringConvertible {
    /// The feature name is not declared by the environment.
    case unknownFeature(environment: String, feature: String, known: [String])
    /// The value is NaN or infinite.
    case nonFinite(environment: String, feature: String, value: Double, lower: Double,
                   upper: Double)
    /// The value lies outside the declared bounds.
    case outOfBounds(environment: String, feature: String, value: Double, lower: Double,
                     upper: Double)

    public var description: String {
        switch self {
        case .unknownFeature(let environment, let feature, let known):
            return "\(environment) has no context feature '\(feature)'; "
                + "use one of: \(known.joined(separator: ", "))"
        case .nonFinite(let environment, let feature, let value, let lower, let upper):
            return "\(environment) context feature '\(feature)' is \(value); "
                + "give a finite number within its bounds [\(lower), \(upper)]"
        case .outOfBounds(let environment, let feature, let value, let lower, let upper):
            return "\(environment) context feature '\(feature)' = \(value) is outside its "
                + "bounds [\(lower), \(upper)]; choose a value within them"
        }
    }
}

/// A context: one value for every feature of an environment, in declaration order.
public struct Context: Hashable, Codable, Sendable {
    /// Feature names in declaration order.
    public let names: [String]
    /// Feature values, parallel to `names`.
    public let values: [Double]

    public init(names: [String], values: [Double]) {
        precondition(names.count == values.count, "names and values differ in length")
        self.names = names
        self.values = values
    }

    /// The value of feature `name`; traps if the name is not declared.
    public subscript(name: String) -> Double {
        guard let index = names.firstIndex(of: name) else {
            preconditionFailure("context has no feature '\(name)'")
        }
        return values[index]
    }

    /// The features as a dictionary, for JSON output.
    public var dictionary: [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(names, values))
    }
}

/// The declared context features of one environment.
public struct ContextSpace: Sendable {
    /// The environment's name, used in error messages.
    public let environment: String
    /// The features in declaration order.
    public let features: [ContextFeature]

    public init(environment: String, features: [ContextFeature]) {
        self.environment = environment
        self.features = features
    }

    /// The default context.
    public var defaultContext: Context {
        Context(names: features.map(\.name), values: features.map(\.defaultValue))
    }

    /// Returns the feature called `name`, if declared.
    public func feature(named name: String) -> ContextFeature? {
        features.first { $0.name == name }
    }

    /// Validates one feature value.
    ///
    /// - Throws: `ContextError` naming the environment, the feature, the value and the bounds.
    public func validate(feature name: String, value: Double) throws {
        guard let feature = feature(named: name) else {
            throw ContextError.unknownFeature(
                environment: environment, feature: name, known: features.map(\.name))
        }
        guard value.isFinite else {
            throw ContextError.nonFinite(
                environment: environment, feature: name, value: value,
                lower: feature.lowerBound, upper: feature.upperBound)
        }
        guard value >= feature.lowerBound && value <= feature.upperBound else {
            throw ContextError.outOfBounds(
                environment: environment, feature: name, value: value,
                lower: feature.lowerBound, upper: feature.upperBound)
        }
    }

    /// The default context with `overrides` applied, every value validated.
    ///
    /// - Throws: `ContextError` for an unknown feature, a non-finite value or a value outside
    ///   the declared bounds.
    public func context(overriding overrides: [String: Double] = [:]) throws -> Context {
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            try validate(feature: name, value: value)
        }
        let values = features.map { overrides[$0.name] ?? $0.defaultValue }
        return Context(names: features.map(\.name), values: values)
    }

    /// Validates a context built elsewhere and returns it with every declared feature, in
    /// declaration order.
    ///
    /// Features that `context` leaves out take their default values. A name listed twice is a
    /// programming error and traps.
    ///
    /// - Throws: `ContextError` for an unknown feature, a non-finite value or a value outside
    ///   the declared bounds.
    public func validated(_ context: Context) throws -> Context {
        var overrides: [String: Double] = [:]
        for (name, value) in zip(context.names, context.values) {
            precondition(overrides[name] == nil, "context lists feature '\(name)' twice")
            overrides[name] = value
        }
        for (name, value) in zip(context.names, context.values) {
            try validate(feature: name, value: value)
        }
        let values = features.map { overrides[$0.name] ?? $0.defaultValue }
        return Context(names: features.map(\.name), values: values)
    }

    /// The context's features scaled to [0, 1] by their declared bounds (linear scale).
    public func normalized(_ context: Context) -> [Double] {
        zip(features, context.values).map { feature, value in
            let width = feature.upperBound - feature.lowerBound
            return width > 0 ? (value - feature.lowerBound) / width : 0
        }
    }
}
