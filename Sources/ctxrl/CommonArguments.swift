import Foundation
import Environments

/// Parsing shared by subcommands: environment names, contexts and number lists.
extension ParsedArguments {
    /// Returns the environment named by `--env`, which accepts ctxrl names and Gymnasium ids.
    func environment(command: String) throws -> EnvironmentKind {
        let name = try required("env", command: command)
        guard let kind = EnvironmentKind(name: name) else {
            let names = EnvironmentKind.allCases.map(\.rawValue)
            let hint = closestName(to: name.lowercased(), among: names)
                .map { "; did you mean '\($0)'?" } ?? ""
            throw UsageError(
                "unknown environment '\(name)'\(hint) (choose one of "
                    + names.joined(separator: ", ") + ")")
        }
        return kind
    }

    /// The context given by `--context name=value,...`, validated against `kind`; the
    /// default context when the option is absent.
    func context(for kind: EnvironmentKind) throws -> Context {
        var overrides: [String: Double] = [:]
        if let text = string("context"), !text.isEmpty {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard pieces.count == 2, !pieces[0].isEmpty else {
                    throw UsageError(
                        "--context part '\(part)' is not NAME=VALUE; write for example "
                            + "--context length=0.5,masscart=1.0")
                }
                guard let value = Double(pieces[1]) else {
                    throw UsageError("--context value '\(pieces[1])' for \(pieces[0]) is not a number")
                }
                overrides[pieces[0]] = value
            }
        }
        do {
            return try kind.contextSpace.context(overriding: overrides)
        } catch let error as ContextError {
            throw UsageError(error.description)
        }
    }

    /// Parses the comma-separated numbers of option `name`, or returns nil when it is absent.
    func numberList(_ name: String) throws -> [Double]? {
        guard let text = string(name) else { return nil }
        return try text.split(separator: ",").map { part in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("--\(name) item '\(part)' is not a number")
            }
            return value
        }
    }
}
