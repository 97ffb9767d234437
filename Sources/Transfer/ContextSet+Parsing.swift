import Environments
import Foundation
import Numerics

// MARK: - The context-set grammar

extension ContextSet {
    /// The largest number of contexts one set may hold. Each context costs one training and
    /// a transfer matrix holds the square of the count, so a larger set is a typing mistake.
    public static let maximumCount = 1_000_000

    /// Parses a context-set specification.
    ///
    /// The forms:
    ///
    /// | specification | contexts |
    /// |---|---|
    /// | `default` | the default context |
    /// | `grid` | the environment's default grid (log-spaced in its headline feature) |
    /// | `grid:FEATURE=LO..HI@N` | `N` even steps from `LO` to `HI` (`@Nlog`: even in the log) |
    /// | `grid:A=...,B=...` | the product of several such axes, the first varying slowest |
    /// | `random:N` | `N` contexts, every feature uniform within its declared bounds |
    /// | `list:FEATURE=v1\|v2\|v3` | the listed values, in order; several features form a product |
    /// | `file:PATH.json` | the contexts in a JSON file (see `ContextSet.load(path:space:)`) |
    ///
    /// Features that a specification leaves out keep their default values. A grid with
    /// `N = 1` holds `LO` alone.
    ///
    /// - Parameters:
    ///   - specification: The text after `--contexts`.
    ///   - environment: The environment whose features the specification names.
    ///   - seed: The seed of `random:N`; the draws come from the child stream `"contexts"`.
    /// - Throws: `ContextSetError` naming the part that failed and how to fix it. A value
    ///   outside the declared bounds is `ContextSetError.invalidContext` carrying the
    ///   `ContextError` that names the feature, the value and the bounds.
    public static func parse(
        _ specification: String, environment: EnvironmentKind, seed: UInt64 = 0
    ) throws -> ContextSet {
        let text = specification.trimmingCharacters(in: .whitespaces)
        let space = environment.contextSpace
        if text.isEmpty { throw ContextSetError.emptySpecification }
        if text == "default" { return ContextSet(contexts: [space.defaultContext], space: space) }
        if text == "grid" {
            return ContextSet(
                contexts: environment.defaultGrid, space: space,
                logarithmicFeatures: [environment.headlineFeature])
        }
        if let body = text.removingPrefix("grid:") {
            let axes = try parseAxes(body, form: "grid", space: space) {
                try parseGridAxis($0, space: space)
            }
            return try product(of: axes, space: space, specification: text)
        }
        if let body = text.removingPrefix("list:") {
            let axes = try parseAxes(body, form: "list", space: space) {
                try parseListAxis($0, space: space)
            }
            return try product(of: axes, space: space, specification: text)
        }
        if let body = text.removingPrefix("random:") {
            let count = try parseCount(body, part: text)
            guard count <= maximumCount else {
                throw ContextSetError.tooManyContexts(specification: text, limit: maximumCount)
            }
            return randomContexts(count: count, space: space, seed: seed)
        }
        if let path = text.removingPrefix("file:") {
            return try load(path: path, space: space)
        }
        throw ContextSetError.unknownForm(specification: text)
    }

    // MARK: - Axes

    /// One varied feature of a product: its values in order and their spacing.
    struct Axis {
        var feature: String
        var values: [Double]
        var spacing: Spacing
    }

    /// Splits the body of a `grid:` or `list:` specification at commas and parses each part.
    static func parseAxes(
        _ body: String, form: String, space: ContextSpace, parsePart: (String) throws -> Axis
    ) throws -> [Axis] {
        var axes: [Axis] = []
        for rawPart in body.split(separator: ",", omittingEmptySubsequences: false) {
            let part = rawPart.trimmingCharacters(in: .whitespaces)
            if part.isEmpty {
                throw ContextSetError.malformedPart(form: form, part: part, reason: "it is empty")
            }
            let axis = try parsePart(part)
            if axes.contains(where: { $0.feature == axis.feature }) {
                throw ContextSetError.repeatedFeature(feature: axis.feature)
            }
            axes.append(axis)
        }
        return axes
    }

    /// Parses `FEATURE=LO..HI@N` or `FEATURE=LO..HI@Nlog`.
    static func parseGridAxis(_ part: String, space: ContextSpace) throws -> Axis {
        func malformed(_ reason: String) -> ContextSetError {
            .malformedPart(form: "grid", part: part, reason: reason)
        }
        let (feature, rest) = try splitFeature(part, form: "grid")
        guard let at = rest.lastIndex(of: "@") else { throw malformed("it has no '@N' count") }
        var countText = String(rest[rest.index(after: at)...])
        let isLogarithmic = countText.hasSuffix("log")
        if isLogarithmic { countText.removeLast(3) }
        let bounds = rest[..<at].components(separatedBy: "..")
        guard bounds.count == 2 else { throw malformed("its range is not of the form LO..HI") }
        let lower = try parseNumber(bounds[0], part: part)
        let upper = try parseNumber(bounds[1], part: part)
        let count = try parseCount(countText, part: part)

        // Declared feature and bounds first, then the shape of the range
        try validate(feature: feature, values: [lower, upper], space: space, part: part)
        if lower > upper || (lower == upper && count > 1) {
            throw ContextSetError.invalidRange(part: part, lower: lower, upper: upper)
        }
        if isLogarithmic && lower <= 0 {
            throw ContextSetError.logarithmicRangeNotPositive(part: part, lower: lower)
        }
        return Axis(
            feature: feature,
            values: gridValues(from: lower, to: upper, count: count, logarithmic: isLogarithmic),
            spacing: isLogarithmic ? .logarithmic : .linear)
    }

    /// `count` values from `lower` to `upper`, both ends exact.
    ///
    /// ```
    /// linear:       v_m = lower + (upper - lower) m / (count - 1)
    /// logarithmic:  v_m = exp(ln lower + (ln upper - ln lower) m / (count - 1))
    /// ```
    static func gridValues(
        from lower: Double, to upper: Double, count: Int, logarithmic: Bool
    ) -> [Double] {
        if count == 1 { return [lower] }
        return (0..<count).map { m in
            if m == 0 { return lower }
            if m == count - 1 { return upper }
            let fraction = Double(m) / Double(count - 1)
            let value =
                logarithmic
                ? exp(log(lower) + (log(upper) - log(lower)) * fraction)
                : lower + (upper - lower) * fraction
            // Rounding in exp can step past an end, which would leave the declared bounds.
            return min(max(value, lower), upper)
        }
    }

    /// Parses `FEATURE=v1|v2|v3`.
    static func parseListAxis(_ part: String, space: ContextSpace) throws -> Axis {
        let (feature, rest) = try splitFeature(part, form: "list")
        let values = try rest.split(separator: "|", omittingEmptySubsequences: false).map {
            try parseNumber(String($0), part: part)
        }
        try validate(feature: feature, values: values, space: space, part: part)
        var seen = Set<Double>()
        for value in values where !seen.insert(value).inserted {
            throw ContextSetError.repeatedValue(part: part, value: value)
        }
        return Axis(feature: feature, values: values, spacing: .linear)
    }

    /// Splits `FEATURE=REST` at its first `=`.
    static func splitFeature(_ part: String, form: String) throws -> (String, String) {
        guard let equals = part.firstIndex(of: "=") else {
            throw ContextSetError.malformedPart(form: form, part: part, reason: "it has no '='")
        }
        let feature = part[..<equals].trimmingCharacters(in: .whitespaces)
        if feature.isEmpty {
            throw ContextSetError.malformedPart(
                form: form, part: part, reason: "it names no feature before '='")
        }
        return (feature, part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces))
    }

    static func parseNumber(_ text: String, part: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed) else {
            throw ContextSetError.invalidNumber(part: part, text: trimmed)
        }
        return value
    }

    static func parseCount(_ text: String, part: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let count = Int(trimmed), count >= 1 else {
            throw ContextSetError.invalidCount(part: part, text: trimmed)
        }
        return count
    }

    /// Checks that `feature` is declared and that every value is finite and within its bounds.
    static func validate(
        feature: String, values: [Double], space: ContextSpace, part: String
    ) throws {
        do {
            for value in values { try space.validate(feature: feature, value: value) }
        } catch let error as ContextError {
            throw ContextSetError.invalidContext(part: part, error: error)
        }
    }

    // MARK: - Building contexts

    /// The product of the axes: the first axis varies slowest, as in nested loops over the
    /// axes in the order given.
    static func product(
        of axes: [Axis], space: ContextSpace, specification: String
    ) throws -> ContextSet {
        var total = 1
        for axis in axes {
            let (next, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, next <= maximumCount else {
                throw ContextSetError.tooManyContexts(
                    specification: specification, limit: maximumCount)
            }
            total = next
        }
        let names = space.features.map(\.name)
        let defaults = space.features.map(\.defaultValue)
        let featureIndices = axes.map { axis in names.firstIndex(of: axis.feature)! }
        var contexts: [Context] = []
        contexts.reserveCapacity(total)
        var positions = [Int](repeating: 0, count: axes.count)
        for _ in 0..<total {
            var values = defaults
            for (axisIndex, axis) in axes.enumerated() {
                values[featureIndices[axisIndex]] = axis.values[positions[axisIndex]]
            }
            contexts.append(Context(names: names, values: values))

            // Advance the mixed-radix counter, last axis fastest
            var axisIndex = axes.count - 1
            while axisIndex >= 0 {
                positions[axisIndex] += 1
                if positions[axisIndex] < axes[axisIndex].values.count { break }
                positions[axisIndex] = 0
                axisIndex -= 1
            }
        }
        let logarithmic = Set(axes.filter { $0.spacing == .logarithmic }.map(\.feature))
        return ContextSet(contexts: contexts, space: space, logarithmicFeatures: logarithmic)
    }

    /// `count` contexts with every feature drawn uniformly from [lower bound, upper bound).
    static func randomContexts(count: Int, space: ContextSpace, seed: UInt64) -> ContextSet {
        var stream = RandomStream(seed: seed).child("contexts")
        let names = space.features.map(\.name)
        let contexts = (0..<count).map { _ in
            Context(
                names: names,
                values: space.features.map { stream.uniform($0.lowerBound, $0.upperBound) })
        }
        return ContextSet(contexts: contexts, space: space)
    }
}

extension String {
    /// The rest of the string after `prefix`, or nil when it does not start with `prefix`.
    fileprivate func removingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
