import Environments
import Foundation
import Learning
import Neural

/// A ready-made experiment: what `ctxrl train --scenario FILE` runs. Command-line options
/// override its fields, and the effective scenario is stored with the run.
///
/// The file format is documented in `docs/scenarios.md`.
struct Scenario: Codable, Equatable {
    /// A short name for the experiment.
    var name: String = ""
    /// One or two sentences on what the experiment shows.
    var description: String = ""
    /// The environment.
    var environment: EnvironmentKind = .cartpole
    /// The context set specification (the `--contexts` grammar).
    var contexts: String = "grid"
    /// The selection strategy, or `all` to train every context and compare every strategy.
    var strategy: String = "mbtl-gp"
    /// The number of source trainings the selection may spend.
    var budget: Int = 5
    /// The run seed.
    var seed: UInt64 = 0
    /// Evaluation episodes per (source, target) pair.
    var evaluationEpisodes: Int = 20
    /// The shared policy trained on the selected sources: none, shared, lora, mhr, openbook.
    var policy: String = "openbook"
    /// The generalization-gap slope: a number, or `fit`.
    var gap: String = "0.5"
    /// The PPO settings of every source training.
    var ppo: PPOConfiguration = PPOConfiguration()

    /// The scenario an environment gets with no file: its default grid, its tuned PPO
    /// settings, and a budget that keeps the main job to a few minutes on two cores.
    ///
    /// `Scenarios/<environment>.json` holds the same settings; a test keeps them equal.
    static func defaults(for kind: EnvironmentKind) -> Scenario {
        var scenario = Scenario()
        scenario.name = "\(kind.rawValue)-default"
        scenario.environment = kind
        scenario.ppo = PPOConfiguration.defaults(for: kind)
        switch kind {
        case .cartpole:
            break
        case .acrobot:
            scenario.evaluationEpisodes = 10
        case .pendulum:
            scenario.budget = 4
            scenario.evaluationEpisodes = 10
            scenario.ppo.totalSteps = 300_000
        case .mountainCar:
            scenario.budget = 4
            scenario.evaluationEpisodes = 10
            scenario.ppo.totalSteps = 200_000
        case .mountainCarContinuous:
            scenario.budget = 4
            scenario.evaluationEpisodes = 10
            scenario.ppo.totalSteps = 100_000
        }
        return scenario
    }

    /// The keys a scenario file may hold.
    static let keys = [
        "name", "description", "environment", "contexts", "strategy", "budget", "seed",
        "evaluation_episodes", "policy", "gap", "ppo",
    ]
}

// MARK: - Loading

extension Scenario {
    /// Reads and validates a scenario file.
    ///
    /// Every problem names the file and the key path: unknown keys, missing required keys
    /// (`environment`), wrong types (a string where a number belongs is rejected, never
    /// converted), and values outside their range. Integers are accepted where a number
    /// belongs. Context values are validated when the context set is built.
    ///
    /// - Throws: `ScenarioError`.
    static func load(path: String) throws -> Scenario {
        let file = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(file: path, keyPath: "", reason: "cannot be read; check the path")
        }
        let text = String(decoding: data, as: UTF8.self)
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch let error as JSONSyntaxError {
            throw ScenarioError(file: file, keyPath: "", reason: error.description)
        }
        return try parse(value, file: file)
    }

    static func parse(_ value: JSONValue, file: String) throws -> Scenario {
        var reader = try ScenarioReader(file: file, path: "", value: value)
        let environmentName = try reader.requiredString("environment")
        guard let kind = EnvironmentKind(name: environmentName) else {
            throw ScenarioError(
                file: file, keyPath: "environment",
                reason: "names no environment ('\(environmentName)'); use one of "
                    + EnvironmentKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var scenario = Scenario.defaults(for: kind)
        scenario.name = try reader.string("name") ?? scenario.name
        scenario.description = try reader.string("description") ?? ""
        scenario.contexts = try reader.string("contexts") ?? scenario.contexts
        scenario.strategy = try reader.string("strategy") ?? scenario.strategy
        scenario.budget = try reader.integer("budget", minimum: 1) ?? scenario.budget
        if let seed = try reader.integer("seed", minimum: 0) { scenario.seed = UInt64(seed) }
        scenario.evaluationEpisodes =
            try reader.integer("evaluation_episodes", minimum: 1) ?? scenario.evaluationEpisodes
        scenario.policy = try reader.string("policy") ?? scenario.policy
        if let gap = reader.value("gap") {
            switch gap {
            case .number(let slope, _) where slope >= 0: scenario.gap = "\(slope)"
            case .string("fit"): scenario.gap = "fit"
            default:
                throw ScenarioError(
                    file: file, keyPath: "gap",
                    reason: "must be a non-negative number or \"fit\", not \(gap.typeName)")
            }
        }
        if var ppo = try reader.table("ppo") {
            scenario.ppo = try readPPO(&ppo, into: scenario.ppo)
        }
        try reader.finish()
        return scenario
    }

    /// Applies the `ppo` table onto `configuration`, field by field.
    static func readPPO(_ reader: inout ScenarioReader, into configuration: PPOConfiguration)
        throws -> PPOConfiguration
    {
        var result = configuration
        for field in PPOConfiguration.fields {
            switch field.kind {
            case .integer(let path, let minimum):
                if let value = try reader.integer(field.key, minimum: minimum) {
                    result[keyPath: path] = value
                }
            case .number(let path):
                if let value = try reader.double(field.key) { result[keyPath: path] = value }
            case .optionalNumber(let path):
                if case .null? = reader.value(field.key) {
                    result[keyPath: path] = nil
                } else if let value = try reader.double(field.key) {
                    result[keyPath: path] = value
                }
            case .flag(let path):
                if let value = try reader.bool(field.key) { result[keyPath: path] = value }
            case .widths(let path):
                if let value = try reader.integerList(field.key) { result[keyPath: path] = value }
            case .activation(let path):
                if let name = try reader.string(field.key) {
                    guard let activation = Neural.Activation(rawValue: name) else {
                        throw ScenarioError(
                            file: reader.file, keyPath: reader.path + "." + field.key,
                            reason: "must be \"tanh\" or \"relu\", not \"\(name)\"")
                    }
                    result[keyPath: path] = activation
                }
            }
        }
        try reader.finish()
        do {
            try result.validate()
        } catch let error as ConfigurationError {
            throw ScenarioError(
                file: reader.file, keyPath: reader.path + "." + snakeCase(error.field),
                reason: error.reason)
        }
        return result
    }

    /// `totalSteps` as `total_steps`.
    static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
    }
}
