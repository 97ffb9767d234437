import Foundation

/// Encoding and decoding of the JSON text columns.
///
/// Keys are sorted so that equal values always give equal text. JSON has no NaN or infinity,
/// so in number arrays they are written as the strings "nan", "+inf" and "-inf".
enum JSONColumns {
    static func encode<T: Encodable>(_ value: T, column: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw RunStoreError.invalidJSON(column: column, reason: "\(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String, column: String) throws
        -> T
    {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw RunStoreError.invalidJSON(column: column, reason: "\(error)")
        }
    }

    /// Encodes context features, rejecting non-finite values because a context feature is a
    /// physical parameter within declared bounds.
    static func encodeFeatures(_ features: [String: Double]) throws -> String {
        if let (name, value) = features.first(where: { !$0.value.isFinite }) {
            throw RunStoreError.invalidJSON(
                column: "contexts.features",
                reason: "feature '\(name)' is \(value); context features must be finite")
        }
        return try encode(features, column: "contexts.features")
    }
}
