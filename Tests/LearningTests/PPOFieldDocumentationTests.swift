import Foundation
import XCTest

@testable import Learning

/// The `--help` text of every PPO setting is the documentation line of its field; this test
/// reads `PPOConfiguration.swift` and keeps the two equal.
final class PPOFieldDocumentationTests: XCTestCase {
    func documentedFields() throws -> [String: String] {
        let source = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Learning/PPOConfiguration.swift")
        let lines = try String(contentsOf: source, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        // Stored settings are the `public var name: Type = default` lines; computed
        // properties have no initial value.
        var documented: [String: String] = [:]
        var comment: [String] = []
        for line in lines {
            if line.hasPrefix("/// ") {
                comment.append(String(line.dropFirst(4)))
            } else if line.hasPrefix("public var "), line.contains(" = "),
                let name = line.split(separator: " ")
                .dropFirst(2).first?.split(separator: ":").first
            {
                documented[String(name)] = comment.joined(separator: " ")
                comment = []
            } else {
                comment = []
            }
        }
        return documented
    }

    func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            result += character.isUppercase ? "_" + character.lowercased() : String(character)
        }
    }

    func testEveryFieldHasHelpEqualToItsDocumentation() throws {
        let documented = try documentedFields()
        let byKey = Dictionary(uniqueKeysWithValues: documented.map { (snakeCase($0.key), $0.value) })
        for field in PPOConfiguration.fields {
            XCTAssertEqual(field.help, byKey[field.key], field.key)
        }
    }

    func testEveryStoredFieldIsListed() throws {
        let documented = try documentedFields()
        XCTAssertEqual(
            Set(PPOConfiguration.fields.map(\.key)), Set(documented.keys.map(snakeCase)))
    }
}
