import Foundation

/// A value that SQLite stores in one column: one case per SQLite storage class.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

// MARK: - Conversions

extension SQLValue {
    /// Returns an integer value from an `Int`.
    public static func integer(_ value: Int) -> SQLValue {
        .integer(Int64(value))
    }

    /// Returns a text value, or NULL when `value` is nil.
    public static func optionalText(_ value: String?) -> SQLValue {
        value.map(SQLValue.text) ?? .null
    }

    /// Returns a real value, or NULL when `value` is nil.
    ///
    /// SQLite stores a bound NaN as NULL, so `.real(.nan)` reads back as NULL too.
    public static func optionalReal(_ value: Double?) -> SQLValue {
        value.map(SQLValue.real) ?? .null
    }

    /// The integer in this value, or nil for any other storage class.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The number in this value as a double: a real, or an integer converted; nil otherwise.
    public var doubleValue: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The string in this value, or nil for any other storage class.
    public var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}
