import Foundation
import Transfer

/// `ctxrl select`: a selection strategy run offline on a stored transfer matrix.
enum SelectCommand: Subcommand {
    static let name = "select"
    static let usage = "--matrix FILE.csv --budget K [--strategy S] [--bounds LO,HI] [--json]"
    static let summary =
        "Run a source-selection strategy offline on a stored transfer matrix and compare it "
        + "with independent, multi-task and oracle training."
    static let options: [OptionSpec] = [
        .value(
            "matrix", "FILE.csv",
            "transfer matrix of raw returns, one row per source and one column per target; "
                + "an optional header of context labels and an optional last row of "
                + "multi-task returns (required)"),
        .value("budget", "K", "number of trainings the strategy may spend, 1 to N (required)"),
        .value(
            "strategy", "S",
            "mbtl-gp, mbtl-ps, mbtl-es, random, sequential-oracle, oracle, independent or "
                + "multitask (default mbtl-gp)"),
        .value(
            "bounds", "LO,HI",
            "returns that normalise to 0 and 1 (default: the smallest and largest return "
                + "in the file)"),
        .value(
            "gap", "SLOPE",
            "generalization-gap slope of mbtl-gp in normalised performance per unit of "
                + "normalised distance, or 'fit' to fit it from observed transfers "
                + "(default 0.5)"),
        .value("orderings", "N", "random orderings averaged by the random strategy (default 100)"),
        .value(
            "batch", "Q",
            "sources chosen per round before any of them is observed, as 'ctxrl sweep --batch' "
                + "does (default 1: one at a time)"),
        .value("seed", "N", "seed of the random orderings and the GP restarts (default 0)"),
        .flag("json", "print the report as one JSON object instead of a table"),
    ]

    static func run(_ arguments: ParsedArguments, output: Output) throws {
        let path = try arguments.required("matrix", command: name)
        let budget = try arguments.integer("budget", minimum: 1)
        guard let budget else {
            throw UsageError("'select' needs --budget; see 'ctxrl select --help'")
        }
        var options = SelectionOptions()
        options.seed = try arguments.seed()
        options.gaussianProcess.seed = options.seed
        options.randomOrderings = try arguments.integer("orderings", default: 100, minimum: 1)!
        options.batchSize = try arguments.integer("batch", default: 1, minimum: 1)!

        let report: SelectionReport
        do {
            let strategy = try StrategyName(parsing: arguments.string("strategy") ?? "mbtl-gp")
            if let gap = arguments.string("gap") { options.gapSlope = try GapSlope(parsing: gap) }
            let bounds = try arguments.string("bounds").map(parseBounds)
            let matrix = try TransferMatrix.read(path: path, returnBounds: bounds)
            report = try runOfflineSelection(
                matrix: matrix, strategy: strategy, budget: budget, options: options)
        } catch let error as TransferMatrixError {
            throw UsageError(error.description)
        } catch let error as SelectionError {
            throw UsageError(error.description)
        }
        output.print(arguments.has("json") ? json(report).rendered : table(report))
    }

    /// Parses `LO,HI`.
    static func parseBounds(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: ",").map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 2, let lower = parts[0], let upper = parts[1] else {
            throw UsageError("--bounds must be two numbers LO,HI such as 0,500, got '\(text)'")
        }
        return try TransferMatrix.checkedBounds(lower, upper)
    }

    // MARK: - Output

    static func json(_ report: SelectionReport) -> JSONText {
        let steps = report.steps.map { step -> JSONText in
            var members: [(String, JSONText)] = [("k", .integer(step.k))]
            members.append(("chosen", .integer(step.chosen)))
            if let label = step.label {
                members.append(("context", contextJSON(label: label)))
            }
            members.append(("generalized_performance", .number(step.generalizedPerformance)))
            let decision = step.decision
            if !decision.candidates.isEmpty {
                members.append(("candidates", .array(decision.candidates.map { .integer($0) })))
                members.append(("predicted_means", numbers(decision.predictedMeans)))
                members.append(
                    ("predicted_standard_deviations", numbers(decision.predictedStandardDeviations))
                )
                members.append(("acquisition_values", numbers(decision.acquisitionValues)))
            }
            return .object(members)
        }
        var members: [(String, JSONText)] = [
            ("strategy", .string(report.strategy)),
            ("budget", .integer(report.budget)),
            ("batch_size", .integer(report.batchSize)),
            ("contexts", .integer(report.contextCount)),
            ("steps", .array(steps)),
            ("curve", numbers(report.curve)),
        ]
        if let deviations = report.curveStandardDeviation {
            members.append(("curve_standard_deviation", numbers(deviations)))
            members.append(("orderings", .integer(report.orderings ?? 0)))
        }
        members += [
            ("mean_generalized_performance", .number(report.meanPerformance)),
            ("independent", .number(report.independentPerformance)),
            ("multitask", report.multitaskPerformance.map(JSONText.number) ?? .null),
            ("oracle", .number(report.oraclePerformance)),
            (
                "trainings_to_reach_baseline",
                report.trainingsToReachBaseline.map(JSONText.integer)
                    ?? .null
            ),
            ("sample_efficiency", report.sampleEfficiency.map(JSONText.number) ?? .null),
        ]
        return .object(members)
    }

    /// Converts a label such as `length=0.5,masscart=2` to a JSON object of numbers, or keeps
    /// it as a string when it is not of that form.
    static func contextJSON(label: String) -> JSONText {
        var members: [(String, JSONText)] = []
        for pair in label.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1]) else { return .string(label) }
            members.append((String(parts[0]), .number(value)))
        }
        return .object(members)
    }

    static func numbers(_ values: [Double]) -> JSONText { .array(values.map { .number($0) }) }

    static func table(_ report: SelectionReport) -> String {
        var lines = [
            "\(report.strategy) on \(plural(report.contextCount, "context")), budget \(report.budget)"
                + (report.batchSize > 1 ? ", \(report.batchSize) sources per round" : "")
        ]
        let rows: [[String]]
        if let deviations = report.curveStandardDeviation {
            lines[0] += ", mean of \(report.orderings ?? 0) orderings"
            rows = report.curve.indices.map { k in
                ["\(k + 1)", "", "", fixed(report.curve[k]) + " ± " + fixed(deviations[k])]
            }
        } else if report.steps.isEmpty {
            rows = report.curve.indices.map { ["\($0 + 1)", "", "", fixed(report.curve[$0])] }
        } else {
            rows = report.steps.map { step in
                [
                    "\(step.k)", "\(step.chosen)", step.label ?? "",
                    fixed(step.generalizedPerformance),
                ]
            }
        }
        lines += alignedColumns(header: ["k", "source", "context", "V_k"], rows: rows)
            .map { "  " + $0 }
        lines.append("")
        lines.append("mean V over k = 1...\(report.budget): \(fixed(report.meanPerformance))")
        lines.append("independent: \(fixed(report.independentPerformance))")
        lines.append("multi-task:  " + (report.multitaskPerformance.map(fixed) ?? "none"))
        lines.append("oracle:      \(fixed(report.oraclePerformance))")
        // A reference value trains nothing one at a time, so it has no sample efficiency.
        let isReferenceValue = report.steps.isEmpty && report.curveStandardDeviation == nil
        if !isReferenceValue {
            lines.append(efficiencyLine(report))
        }
        return lines.joined(separator: "\n")
    }

    static func efficiencyLine(_ report: SelectionReport) -> String {
        guard let k = report.trainingsToReachBaseline, let factor = report.sampleEfficiency
        else {
            return "does not reach the better of independent and multi-task within the budget"
        }
        return "reaches the better of independent and multi-task at k = \(k): "
            + "sample efficiency \(String(format: "%.2f", factor))x"
    }

    static func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
}
