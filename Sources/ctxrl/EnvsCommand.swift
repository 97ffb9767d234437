import Foundation
import Environments

/// `ctxrl envs`: the environments and their context features.
enum EnvsCommand: Subcommand {
    static let name = "envs"
    static let usage = "[--json]"
    static let summary = "List environments and their context features."
    static let options: [OptionSpec] = [
        .flag("json", "print one JSON object per environment instead of a table")
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        for kind in EnvironmentKind.allCases {
            if arguments.has("json") {
                output.print(json(for: kind).rendered)
            } else {
                output.print(table(for: kind))
            }
        }
    }

    static func json(for kind: EnvironmentKind) -> JSONText {
        let features = kind.contextSpace.features.map { feature -> JSONText in
            .object([
                ("name", .string(feature.name)),
                ("default", .number(feature.defaultValue)),
                ("lower", .number(feature.lowerBound)),
                ("upper", .number(feature.upperBound)),
                ("unit", .string(feature.unit)),
                ("changes", .array(feature.effects.map { .string($0.rawValue) })),
                ("summary", .string(feature.summary)),
            ])
        }
        return .object([
            ("name", .string(kind.rawValue)),
            ("gymnasium_id", .string(kind.gymnasiumID)),
            ("observation_size", .integer(kind.observationSize)),
            ("action_space", .string(describe(kind.actionSpace))),
            ("time_limit", .integer(kind.timeLimit)),
            ("state", .array(kind.stateNames.map { .string($0) })),
            ("headline_feature", .string(kind.headlineFeature)),
            ("return_bounds", .array([
                .number(kind.returnBounds.lowerBound), .number(kind.returnBounds.upperBound),
            ])),
            ("features", .array(features)),
        ])
    }

    static func table(for kind: EnvironmentKind) -> String {
        var lines = [
            "\(kind.rawValue) (\(kind.gymnasiumID)): \(describe(kind.actionSpace)), "
                + "\(kind.observationSize) observations, \(kind.timeLimit)-step limit, "
                + "grid over \(kind.headlineFeature)"
        ]
        let rows = kind.contextSpace.features.map { feature in
            [
                feature.name, format(feature.defaultValue),
                "[\(format(feature.lowerBound)), \(format(feature.upperBound))]",
                feature.unit.isEmpty ? "-" : feature.unit,
                feature.effects.map(\.rawValue).joined(separator: ","),
                feature.summary,
            ]
        }
        lines += alignedColumns(
            header: ["feature", "default", "bounds", "unit", "changes", "what it is"], rows: rows
        ).map { "  " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ space: ActionSpace) -> String {
        switch space {
        case .discrete(let count): return "\(count) discrete actions"
        case .box(let dimension): return "\(dimension)-dimensional continuous action"
        }
    }
}

/// A number for tables: integers without a trailing ".0", others to twelve significant digits.
func format(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
    // Twelve significant digits hide binary rounding such as 0.00015000000000000001.
    return String(format: "%.12g", value)
}

/// Rows padded so that columns line up, header first.
func alignedColumns(header: [String], rows: [[String]]) -> [String] {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { column, cell in
            column == row.count - 1
                ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
}
