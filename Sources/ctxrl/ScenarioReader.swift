/// An error in a scenario file: the file, the key path and what to do.
struct ScenarioError: Error, CustomStringConvertible {
    let file: String
    let keyPath: String
    let reason: String

    var description: String {
        keyPath.isEmpty ? "\(file): \(reason)" : "\(file): key '\(keyPath)' \(reason)"
    }
}

/// Reads one JSON object of a scenario with type checks, remembering which keys were read so
/// that `finish()` can reject the unknown ones.
struct ScenarioReader {
    let file: String
    let path: String
    private let members: [(String, JSONValue)]
    private var consumed: Set<String> = []

    init(file: String, path: String, value: JSONValue) throws {
        self.file = file
        self.path = path
        guard case .object(let members) = value else {
            throw ScenarioError(
                file: file, keyPath: path, reason: "must be a table (JSON object), not \(value.typeName)")
        }
        self.members = members
    }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private func fail(_ key: String, _ reason: String) -> ScenarioError {
        ScenarioError(file: file, keyPath: keyPath(key), reason: reason)
    }

    /// Returns the raw value of `key`, if present, and marks it as read.
    mutating func value(_ key: String) -> JSONValue? {
        consumed.insert(key)
        return members.first { $0.0 == key }?.1
    }

    mutating func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            throw fail(key, "must be a string, not \(value.typeName)")
        }
        return text
    }

    mutating func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw fail(key, "is missing; add it") }
        return text
    }

    /// A number; integers are accepted where a double belongs, strings are not converted.
    mutating func double(_ key: String) throws -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let number, _) = value else {
            throw fail(key, "must be a number, not \(value.typeName)")
        }
        return number
    }

    mutating func integer(_ key: String, minimum: Int? = nil) throws -> Int? {
        guard let value = value(key) else { return nil }
        // A whole number written with an exponent, such as 1e6, counts as an integer.
        guard case .number(let number, _) = value, let integer = Int(exactly: number) else {
            throw fail(key, "must be an integer, not \(value.typeName)")
        }
        if let minimum, integer < minimum {
            throw fail(key, "must be at least \(minimum), got \(integer)")
        }
        return integer
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw fail(key, "must be true or false, not \(value.typeName)")
        }
        return flag
    }

    mutating func integerList(_ key: String) throws -> [Int]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            throw fail(key, "must be a list of integers, not \(value.typeName)")
        }
        return try elements.enumerated().map { index, element in
            guard case .number(let number, _) = element, let integer = Int(exactly: number)
            else { throw fail("\(key)[\(index)]", "must be an integer, not \(element.typeName)") }
            return integer
        }
    }

    /// Returns a reader for the nested table `key`, if present.
    mutating func table(_ key: String) throws -> ScenarioReader? {
        guard let value = value(key) else { return nil }
        return try ScenarioReader(file: file, path: keyPath(key), value: value)
    }

    /// Rejects keys that were never read, with the closest read key as a hint.
    func finish() throws {
        for (key, _) in members where !consumed.contains(key) {
            let hint = closestName(to: key, among: Array(consumed).sorted())
                .map { "; did you mean '\($0)'?" } ?? ""
            throw fail(key, "is not a known key\(hint)")
        }
    }
}
