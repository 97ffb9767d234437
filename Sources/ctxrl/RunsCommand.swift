import Foundation
import RunStore

/// `ctxrl runs`: reads the run store.
enum RunsCommand: Subcommand {
    static let name = "runs"
    static let usage =
        "list | show ID | export ID --format csv|json [--table metrics|evaluations|selection|matrix] "
        + "[--db PATH]"
    static let summary = "List runs, show one, or export one as CSV or JSON."
    static let options: [OptionSpec] = [
        .value("db", "PATH", "run store file (default ctxrl-runs.sqlite)"),
        .value("format", "F", "export format: csv or json (export; default json)"),
        .value("table", "T", "table a CSV export holds: metrics, evaluations, selection, or "
               + "matrix (the square transfer matrix of raw returns that 'ctxrl select' reads) "
               + "(default metrics)"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let path = arguments.string("db") ?? "ctxrl-runs.sqlite"
        guard let action = arguments.positionals.first else {
            throw UsageError("give an action: 'ctxrl runs list', 'runs show ID' or 'runs export ID'")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("run store '\(path)' does not exist; give the file with --db")
        }
        let store = try TrainPlan.openStore(path)
        switch action {
        case "list":
            output.print(try list(store))
        case "show":
            output.print(try show(store.export(run: runID(arguments, store: store))))
        case "export":
            let export = try store.export(run: runID(arguments, store: store))
            switch arguments.string("format") ?? "json" {
            case "json": output.print(try json(export))
            case "csv": output.print(try csv(export, table: arguments.string("table") ?? "metrics"))
            case let other:
                throw UsageError("--format must be csv or json, got '\(other)'")
            }
        default:
            throw UsageError("unknown action '\(action)'; use list, show or export")
        }
    }

    static func runID(_ arguments: ParsedArguments, store: RunStore) throws -> RunID {
        guard arguments.positionals.count >= 2, let id = Int64(arguments.positionals[1]) else {
            throw UsageError("give a run id, e.g. 'ctxrl runs show 1' (see 'ctxrl runs list')")
        }
        guard try store.run(id: RunID(rawValue: id)) != nil else {
            throw UsageError("run \(id) is not in the store; see 'ctxrl runs list'")
        }
        return RunID(rawValue: id)
    }

    static func list(_ store: RunStore) throws -> String {
        let rows = try store.runs().map { run -> [String] in
            [
                String(run.id.rawValue), run.kind, run.status.rawValue,
                ISO8601DateFormatter().string(from: run.startedAt),
                String(run.seed), run.name,
            ]
        }
        if rows.isEmpty { return "no runs yet" }
        return alignedColumns(
            header: ["id", "kind", "status", "started", "seed", "name"], rows: rows
        ).joined(separator: "\n")
    }

    static func show(_ export: RunExport) -> String {
        let run = export.run
        var lines = [
            "run \(run.id.rawValue): \(run.name)",
            "  kind \(run.kind), status \(run.status.rawValue), seed \(run.seed), "
                + "ctxrl \(run.ctxrlVersion)",
            "  started \(ISO8601DateFormatter().string(from: run.startedAt))"
                + (run.finishedAt.map { ", finished \(ISO8601DateFormatter().string(from: $0))" } ?? ""),
            "  \(plural(export.contexts.count, "context")), \(plural(export.trainings.count, "training")) "
                + "(\(export.trainings.filter { $0.status == .finished }.count) finished), "
                + "\(export.evaluations.count) evaluations, \(export.metrics.count) metric values",
        ]
        if let message = run.message { lines.append("  message: \(message)") }
        let steps = export.selectionSteps
        if !steps.isEmpty {
            lines.append("  selection steps:")
            lines += alignedColumns(
                header: ["strategy", "k", "chosen", "V_k"],
                rows: steps.map { step in
                    [
                        step.strategy, String(step.step + 1), String(step.chosenIndex),
                        step.generalizedPerformance.map { String(format: "%.3f", $0) } ?? "-",
                    ]
                }
            ).map { "    " + $0 }
        }
        lines.append("  configuration: \(run.configuration)")
        return lines.joined(separator: "\n")
    }

    /// Encodes the export as JSON with snake_case keys, spelling NaN and infinity as strings
    /// because `JSONEncoder` throws on them otherwise.
    static func json(_ export: RunExport) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(export), as: UTF8.self)
    }

    static func csv(_ export: RunExport, table: String) throws -> String {
        let sources = Dictionary(uniqueKeysWithValues: export.trainings.map { ($0.id, $0.sourceIndex) })
        var lines: [String]
        switch table {
        case "metrics":
            lines = ["source,key,step,value,wall_time"]
            for metric in export.metrics {
                let source = metric.training.flatMap { sources[$0] }.map(String.init) ?? ""
                lines.append(
                    "\(source),\(metric.key),\(metric.step),\(JSONText.render(metric.value)),"
                        + "\(metric.time.timeIntervalSince1970)")
            }
        case "evaluations":
            lines = ["source,target,episodes,mean,std"]
            for evaluation in export.evaluations {
                lines.append(
                    "\(evaluation.source),\(evaluation.target),\(evaluation.episodes),"
                        + "\(JSONText.render(evaluation.mean)),"
                        + "\(JSONText.render(evaluation.standardDeviation))")
            }
        case "selection":
            lines = ["strategy,k,chosen,generalized_performance"]
            for step in export.selectionSteps {
                lines.append(
                    "\(step.strategy),\(step.step + 1),\(step.chosenIndex),"
                        + (step.generalizedPerformance.map { JSONText.render($0) } ?? ""))
            }
        case "matrix":
            return try matrixCSV(export)
        default:
            throw UsageError(
                "--table must be metrics, evaluations, selection or matrix, got '\(table)'")
        }
        return lines.map { $0.replacingOccurrences(of: "\"", with: "") }.joined(separator: "\n")
    }

    /// The transfer matrix as CSV: one row per source, one column per target, raw returns.
    static func matrixCSV(_ export: RunExport) throws -> String {
        let count = export.contexts.count
        var rows = Array(repeating: [Double?](repeating: nil, count: count), count: count)
        for evaluation in export.evaluations { rows[evaluation.source][evaluation.target] = evaluation.mean }
        let complete = rows.filter { row in row.allSatisfy { $0 != nil } }.count
        guard complete == count else {
            throw UsageError(
                "the transfer matrix of run \(export.run.id.rawValue) is incomplete: \(complete) "
                    + "of \(count) sources are evaluated; train every context with --strategy all")
        }
        // A header of the varied features labels the columns; the multi-task baseline of a
        // `--strategy all` run, when present, is the extra last row that `select` reads.
        let varied = Set(export.contexts.flatMap { context in
            context.features.keys.filter { key in
                export.contexts.contains { $0.features[key] != context.features[key] }
            }
        }).sorted()
        let labels = export.contexts.sorted { $0.index < $1.index }.map { context in
            "\"" + varied.map { "\($0)=\(format(context.features[$0] ?? .nan))" }
                .joined(separator: ",") + "\""
        }
        var lines = varied.isEmpty ? [] : [labels.joined(separator: ",")]
        lines += rows.map { row in row.map { JSONText.render($0!) }.joined(separator: ",") }
        let multitask = export.metrics.filter { $0.key == "multitask/equal-total/return_mean" }
            .sorted { $0.step < $1.step }
        if multitask.count == count {
            lines.append(multitask.map { JSONText.render($0.value) }.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }
}
