import Foundation

/// A command-line usage error: exit status 2, one sentence naming the value and the fix.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}

/// One option a subcommand accepts.
struct OptionSpec {
    /// The name without dashes, such as `env` for `--env`.
    let name: String
    /// The placeholder shown in help, such as `N` or `PATH`; nil for a flag without a value.
    let valueName: String?
    /// The help text: the setting, its unit and its default.
    let help: String

    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }
}

/// The options given to one subcommand, parsed against its `OptionSpec`s.
///
/// Accepts `--name value`, `--name=value` and flags; rejects unknown options with a
/// suggestion of the closest valid one, and repeated options.
struct ParsedArguments {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    init(_ arguments: [String], specs: [OptionSpec], command: String) throws {
        let byName = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let spec = byName[name] else {
                let suggestion = closestName(to: name, among: specs.map(\.name))
                let hint = suggestion.map { "; did you mean --\($0)?" } ?? ""
                throw UsageError(
                    "unknown option --\(name) for '\(command)'\(hint) "
                        + "(see 'ctxrl \(command) --help')")
            }
            if values[name] != nil || flags.contains(name) {
                throw UsageError("option --\(name) is given more than once; give it once")
            }
            if spec.valueName == nil {
                if inlineValue != nil {
                    throw UsageError("option --\(name) takes no value; remove '=\(inlineValue!)'")
                }
                flags.insert(name)
                continue
            }
            if let inlineValue {
                values[name] = inlineValue
            } else if index < arguments.count {
                values[name] = arguments[index]
                index += 1
            } else {
                throw UsageError("option --\(name) needs a value (\(spec.valueName!))")
            }
        }
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    func string(_ name: String) -> String? { values[name] }

    func required(_ name: String, command: String) throws -> String {
        guard let value = values[name] else {
            throw UsageError("'\(command)' needs --\(name); see 'ctxrl \(command) --help'")
        }
        return value
    }

    func integer(_ name: String, default defaultValue: Int? = nil, minimum: Int? = nil) throws
        -> Int?
    {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text) else {
            throw UsageError("--\(name) must be an integer, got '\(text)'")
        }
        if let minimum, value < minimum {
            throw UsageError("--\(name) must be at least \(minimum), got \(value)")
        }
        return value
    }

    func double(_ name: String) throws -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw UsageError("--\(name) must be a finite number, got '\(text)'")
        }
        return value
    }

    func seed(_ name: String = "seed", default defaultValue: UInt64 = 0) throws -> UInt64 {
        guard let text = values[name] else { return defaultValue }
        guard let value = UInt64(text) else {
            throw UsageError("--\(name) must be a non-negative integer, got '\(text)'")
        }
        return value
    }
}

/// Returns the valid name closest to `name` by edit distance, if any is reasonably close.
func closestName(to name: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(name, $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, name.count / 2) ? best.0 : nil
}

/// Computes the Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        previous = current
    }
    return previous[b.count]
}

/// Help text for a subcommand: usage, summary, and one line per option.
func helpText(command: String, usage: String, summary: String, specs: [OptionSpec]) -> String {
    var lines = ["Usage: ctxrl \(command) \(usage)", "", summary, "", "Options:"]
    let labels = specs.map { spec in
        "--" + spec.name + (spec.valueName.map { " " + $0 } ?? "")
    }
    let width = (labels.map(\.count).max() ?? 0) + 2
    for (label, spec) in zip(labels, specs) {
        lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + spec.help)
    }
    lines.append("  " + "--help".padding(toLength: width, withPad: " ", startingAt: 0)
        + "show this help and exit")
    return lines.joined(separator: "\n")
}
