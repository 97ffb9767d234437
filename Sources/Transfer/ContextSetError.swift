import Environments

/// An error in a context-set specification or in the file it names.
///
/// Each case names the part of the specification that failed, and its description says how
/// to write that part correctly.
public enum ContextSetError: Error, Equatable, CustomStringConvertible {
    /// The specification is empty.
    case emptySpecification
    /// The specification starts with no known form.
    case unknownForm(specification: String)
    /// A `grid:` or `list:` part does not have the shape its form needs.
    case malformedPart(form: String, part: String, reason: String)
    /// A number in a part does not parse.
    case invalidNumber(part: String, text: String)
    /// A count is not a whole number of at least 1.
    case invalidCount(part: String, text: String)
    /// A grid range has its lower end above its upper end, or equal ends with several points.
    case invalidRange(part: String, lower: Double, upper: Double)
    /// A logarithmic grid range starts at zero or below.
    case logarithmicRangeNotPositive(part: String, lower: Double)
    /// A feature appears in two parts of one specification.
    case repeatedFeature(feature: String)
    /// A `list:` part gives the same value twice.
    case repeatedValue(part: String, value: Double)
    /// A context file lists the same context twice.
    case repeatedContext(path: String, first: Int, second: Int)
    /// A value is not a valid context value: an unknown feature, not finite, or out of bounds.
    case invalidContext(part: String, error: ContextError)
    /// A product grid has more contexts than one context set may hold.
    case tooManyContexts(specification: String, limit: Int)
    /// A context file cannot be read.
    case unreadableFile(path: String, reason: String)
    /// A context file is not a JSON array of objects of feature values.
    case malformedFile(path: String, reason: String)

    /// The forms of a context set, for messages that list them.
    static let forms =
        "default, grid, grid:FEATURE=LO..HI@N[log][,FEATURE=...], random:N, "
        + "list:FEATURE=v1|v2|v3[,FEATURE=...] or file:PATH.json"

    public var description: String {
        switch self {
        case .emptySpecification:
            return "the context set is empty; give one of \(Self.forms)"
        case .unknownForm(let specification):
            return "'\(specification)' is not a context set; give one of \(Self.forms)"
        case .malformedPart(let form, let part, let reason):
            let shape =
                form == "grid"
                ? "FEATURE=LO..HI@N, with 'log' after N for log spacing (length=0.05..5@20log)"
                : "FEATURE=v1|v2|v3 (length=0.25|0.5|1)"
            return "\(form) part '\(part)' is invalid because \(reason); write it as \(shape)"
        case .invalidNumber(let part, let text):
            return "'\(text)' in '\(part)' is not a number; write a decimal number such as 0.5 "
                + "or 1e-3"
        case .invalidCount(let part, let text):
            return "the count '\(text)' in '\(part)' is invalid; give a whole number of at "
                + "least 1"
        case .invalidRange(let part, let lower, let upper):
            return "the range in '\(part)' runs from \(lower) to \(upper); give LO below HI, "
                + "or equal ends with a count of 1"
        case .logarithmicRangeNotPositive(let part, let lower):
            return "the log-spaced range in '\(part)' starts at \(lower); log spacing needs a "
                + "positive LO, so raise LO or drop 'log'"
        case .repeatedFeature(let feature):
            return "feature '\(feature)' is given twice; give each feature in one part"
        case .repeatedValue(let part, let value):
            return "'\(part)' lists \(value) twice; give each value once"
        case .repeatedContext(let path, let first, let second):
            return "\(path): contexts \(first) and \(second) are the same; give each context "
                + "once"
        case .invalidContext(let part, let error):
            return "in '\(part)': \(error.description)"
        case .tooManyContexts(let specification, let limit):
            return "'\(specification)' gives more than \(limit) contexts; use fewer points "
                + "per feature"
        case .unreadableFile(let path, let reason):
            return "cannot read context file \(path): \(reason); check the path"
        case .malformedFile(let path, let reason):
            return "context file \(path) is invalid: \(reason); write a JSON array of "
                + "objects of feature values, such as [{\"length\": 0.25}, {\"length\": 0.5}]"
        }
    }
}
