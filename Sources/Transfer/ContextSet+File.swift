import Environments
import Foundation

// MARK: - Context files

extension ContextSet {
    /// Loads the contexts of a `file:PATH.json` specification.
    ///
    /// The file contains a JSON array with one object per context. Each object maps feature
    /// names to numbers, and features it leaves out keep their default values:
    ///
    /// ```json
    /// [
    ///   {"length": 0.25},
    ///   {"length": 0.5, "masscart": 2.0},
    ///   {"gravity": 3.7}
    /// ]
    /// ```
    ///
    /// The contexts keep the file's order, and every varied feature gets a linear scale.
    ///
    /// - Parameters:
    ///   - path: The file, absolute or relative to the working directory.
    ///   - space: The declared features the objects name.
    /// - Throws: `ContextSetError.unreadableFile` when the file cannot be read,
    ///   `.malformedFile` when it is not such an array or is empty, `.invalidContext` (with
    ///   the object's position in the part) for an unknown feature or a value outside its
    ///   bounds, and `.repeatedContext` when two objects give the same context.
    public static func load(path: String, space: ContextSpace) throws -> ContextSet {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ContextSetError.unreadableFile(path: path, reason: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ContextSetError.unreadableFile(path: path, reason: "it cannot be read")
        }
        let objects: [[String: Double]]
        do {
            objects = try JSONDecoder().decode([[String: Double]].self, from: data)
        } catch let error as DecodingError {
            throw ContextSetError.malformedFile(path: path, reason: describe(error))
        }
        if objects.isEmpty {
            throw ContextSetError.malformedFile(path: path, reason: "the array is empty")
        }

        var contexts: [Context] = []
        var firstIndex: [Context: Int] = [:]
        for (index, object) in objects.enumerated() {
            let context: Context
            do {
                context = try space.context(overriding: object)
            } catch let error as ContextError {
                throw ContextSetError.invalidContext(
                    part: "\(path), context \(index)", error: error)
            }
            if let first = firstIndex[context] {
                throw ContextSetError.repeatedContext(path: path, first: first, second: index)
            }
            firstIndex[context] = index
            contexts.append(context)
        }
        return ContextSet(contexts: contexts, space: space)
    }

    /// Describes a JSON decoding failure in a short reason that names where in the file it
    /// happened.
    private static func describe(_ error: DecodingError) -> String {
        func location(_ path: [any CodingKey]) -> String {
            guard let first = path.first else { return "the top level" }
            var text = "context \(first.intValue ?? 0)"
            if path.count > 1 { text += ", feature '\(path[1].stringValue)'" }
            return text
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let expected = ["an array of objects", "an object", "a number"][
                min(context.codingPath.count, 2)]
            return "\(location(context.codingPath)) is not \(expected)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "it is not valid JSON" : "\(location(context.codingPath)) is not valid"
        case .keyNotFound(let key, _):
            return "key '\(key.stringValue)' is missing"
        @unknown default:
            return "it does not decode"
        }
    }
}
