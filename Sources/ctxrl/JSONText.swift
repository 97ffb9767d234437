import Foundation

/// A JSON value written with keys in the order given, for output whose key order is part of
/// the contract (`ctxrl simulate`), and with non-finite numbers encoded explicitly.
///
/// `JSONEncoder` neither keeps key order nor accepts NaN. Here a NaN is written as the string
/// `"NaN"` and infinities as `"Infinity"` and `"-Infinity"`, the spellings Python's `json`
/// module and pandas read back. Finite doubles print in Swift's shortest representation that
/// round-trips to the same double.
indirect enum JSONText {
    case number(Double)
    case float(Float)
    case integer(Int)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])

    /// The compact JSON text.
    var rendered: String {
        switch self {
        case .number(let value):
            return JSONText.render(value)
        case .float(let value):
            return value.isFinite ? "\(value)" : JSONText.render(Double(value))
        case .integer(let value):
            return String(value)
        case .string(let value):
            return JSONText.quote(value)
        case .bool(let value):
            return value ? "true" : "false"
        case .null:
            return "null"
        case .array(let values):
            return "[" + values.map(\.rendered).joined(separator: ",") + "]"
        case .object(let members):
            return "{"
                + members.map { JSONText.quote($0.0) + ":" + $0.1.rendered }
                    .joined(separator: ",") + "}"
        }
    }

    static func render(_ value: Double) -> String {
        if value.isNaN { return "\"NaN\"" }
        if value.isInfinite { return value > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return "\(value)"
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += "\\u" + String(format: "%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
