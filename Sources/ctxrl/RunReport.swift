import Environments
import Foundation
import Learning
import Neural
import Rendering
import RunStore
import Transfer

/// Builds the HTML report of a train run from the run store: learning curves, the transfer
/// matrix, the `V_k` curves, the GP posterior at each selection step, the attention map and a
/// rollout GIF.
enum RunReport {
    static func build(store: RunStore, run id: RunID, gif: Data?) throws -> Report {
        let export = try store.export(run: id)
        guard let scenario = try? JSONDecoder().decode(
            Scenario.self, from: Data(export.run.configuration.utf8))
        else { throw UsageError("run \(id.rawValue) is not a train run; only train runs have reports") }
        let contextSet = try ContextSet.parse(
            scenario.contexts, environment: scenario.environment, seed: scenario.seed)
        let labels = (0..<contextSet.contexts.count).map {
            TrainSummary.shortLabel(contextSet, $0)
        }
        var sections = [overview(export, scenario: scenario, count: labels.count)]
        sections.append(selection(export, scenario: scenario, labels: labels))
        if let posterior = posterior(
            export, contextSet: contextSet, labels: labels,
            returnBounds: scenario.environment.returnBounds)
        {
            sections.append(posterior)
        }
        if let matrix = transferMatrix(export, scenario: scenario, labels: labels) {
            sections.append(matrix)
        }
        sections.append(learningCurves(export, labels: labels))
        if let shared = try sharedPolicy(store: store, export: export, labels: labels) {
            sections.append(shared)
        }
        if let gif {
            sections.append(ReportSection(title: "A rollout", items: [
                .animation(gif: gif, caption: "A deterministic rollout of a trained policy.",
                           alternativeText: "rollout of a trained policy"),
            ]))
        }
        return Report(
            title: "ctxrl run \(id.rawValue): \(scenario.environment.gymnasiumID)",
            subtitle: "\(scenario.name), \(plural(labels.count, "context")), strategy \(scenario.strategy)",
            sections: sections,
            footer: "ctxrl \(export.run.ctxrlVersion); generated "
                + ISO8601DateFormatter().string(from: Date()))
    }

    static func overview(_ export: RunExport, scenario: Scenario, count: Int) -> ReportSection {
        ReportSection(title: "Run", items: [
            .fields([
                ReportField(name: "environment", value: scenario.environment.rawValue),
                ReportField(name: "contexts", value: "\(scenario.contexts) (\(count))"),
                ReportField(name: "strategy", value: scenario.strategy),
                ReportField(name: "budget", value: String(scenario.budget)),
                ReportField(name: "seed", value: String(scenario.seed)),
                ReportField(name: "PPO steps per source", value: String(scenario.ppo.totalSteps)),
                ReportField(name: "status", value: export.run.status.rawValue),
                ReportField(
                    name: "trainings finished",
                    value: String(export.trainings.filter { $0.status == .finished }.count)),
            ]),
        ])
    }

    static func selection(_ export: RunExport, scenario: Scenario, labels: [String])
        -> ReportSection
    {
        let byStrategy = Dictionary(grouping: export.selectionSteps, by: \.strategy)
        let series = byStrategy.keys.sorted().map { name -> PlotSeries in
            let steps = byStrategy[name]!.sorted { $0.step < $1.step }
            return PlotSeries(
                name: name, x: steps.map { Double($0.step + 1) },
                y: steps.map { $0.generalizedPerformance ?? .nan })
        }
        // Curves without steps of their own: the mean of random orderings as a series, and
        // the reference values (oracle, independent, multi-task) as horizontal lines.
        var allSeries = series
        var references: [ReferenceLine] = []
        let curveKeys = Set(export.metrics.map(\.key)).filter {
            $0.hasPrefix("selection/") && $0.hasSuffix("/generalized_performance")
        }
        for key in curveKeys.sorted() {
            let name = String(key.split(separator: "/")[1])
            let points = export.metrics.filter { $0.key == key }.sorted { $0.step < $1.step }
            if name == "random" {
                allSeries.append(PlotSeries(
                    name: "random (mean of orderings)", x: points.map { Double($0.step) },
                    y: points.map(\.value)))
            } else if let value = points.first?.value {
                references.append(ReferenceLine(name: name, value: value))
            }
        }
        var items: [ReportItem] = []
        if !allSeries.isEmpty {
            items.append(.figure(
                svg: LinePlot(
                    title: "Generalized performance after k trainings",
                    xAxis: PlotAxis(title: "trainings k"),
                    yAxis: PlotAxis(title: "V_k", unit: "normalised return"), series: allSeries,
                    referenceLines: references, showsMarkers: true
                ).svg(),
                caption: "V_k = mean over targets of the best normalised return of any policy "
                    + "trained so far."))
        }
        let rows = export.selectionSteps.map { step in
            [
                step.strategy, String(step.step + 1), String(step.chosenIndex),
                labels[step.chosenIndex],
                step.generalizedPerformance.map { String(format: "%.3f", $0) } ?? "-",
            ]
        }
        items.append(.table(ReportTable(
            headers: ["strategy", "k", "source", "context", "V_k"], rows: rows)))
        return ReportSection(title: "Source selection", items: items)
    }

    /// Plots the GP's mean and standard deviation over the candidates at each MBTL-GP step.
    static func posterior(
        _ export: RunExport, contextSet: ContextSet, labels: [String],
        returnBounds: ClosedRange<Double>
    ) -> ReportSection? {
        let steps = export.selectionSteps.filter { $0.strategy == "mbtl-gp" && !$0.candidates.isEmpty }
        guard !steps.isEmpty else { return nil }
        let oneDimensional = contextSet.variedFeatures.count == 1
        let feature = contextSet.variedFeatures.first
        func position(_ index: Int) -> Double {
            guard oneDimensional, let feature else { return Double(index) }
            return contextSet.contexts[index][feature.name]
        }
        let axis = PlotAxis(
            title: oneDimensional ? feature!.name : "context index",
            scale: oneDimensional && feature!.spacing == .logarithmic ? .logarithmic : .linear)
        let ownPerformance = Dictionary(
            export.evaluations.filter { $0.source == $0.target }.map {
                ($0.source, TransferMatrix.normalizedPerformance($0.mean, returnBounds: returnBounds))
            },
            uniquingKeysWith: { first, _ in first })
        let items = steps.sorted { $0.step < $1.step }.map { step -> ReportItem in
            let order = step.candidates.indices.sorted { position(step.candidates[$0]) < position(step.candidates[$1]) }
            let chosenEarlier = export.selectionSteps
                .filter { $0.strategy == "mbtl-gp" && $0.step < step.step }.map(\.chosenIndex)
            let chosenPosition = step.candidates.firstIndex(of: step.chosenIndex)
            let svg = BandPlot(
                title: "Step k = \(step.step + 1): GP posterior of training performance",
                xAxis: axis, yAxis: PlotAxis(title: "predicted performance", unit: "normalised"),
                x: order.map { position(step.candidates[$0]) },
                mean: order.map { step.predictedMeans[$0] },
                standardDeviation: order.map { step.predictedStandardDeviations[$0] },
                observationsX: chosenEarlier.map(position),
                observationsY: chosenEarlier.map { ownPerformance[$0] ?? .nan },
                observationName: "trained sources",
                marked: chosenPosition.map {
                    MarkedPoint(
                        x: position(step.chosenIndex), y: step.predictedMeans[$0],
                        label: "chosen: \(labels[step.chosenIndex])")
                }
            ).svg()
            return .figure(svg: svg, caption: "Mean plus or minus one standard deviation.")
        }
        return ReportSection(title: "The model behind each choice", items: items)
    }

    static func transferMatrix(_ export: RunExport, scenario: Scenario, labels: [String])
        -> ReportSection?
    {
        let sources = Array(Set(export.evaluations.map(\.source))).sorted()
        guard !sources.isEmpty else { return nil }
        var values = Array(repeating: Array(repeating: Double.nan, count: labels.count),
                           count: sources.count)
        for evaluation in export.evaluations {
            guard let row = sources.firstIndex(of: evaluation.source) else { continue }
            values[row][evaluation.target] = TransferMatrix.normalizedPerformance(
                evaluation.mean, returnBounds: scenario.environment.returnBounds)
        }
        let svg = HeatMap(
            title: "Zero-shot transfer: normalised return of each source's policy on each target",
            rowTitle: "source", columnTitle: "target", rowLabels: sources.map { labels[$0] },
            columnLabels: labels, values: values, colorBarTitle: "normalised return",
            valueRange: 0...1
        ).svg()
        return ReportSection(title: "Transfer matrix", items: [.figure(svg: svg, caption: nil)])
    }

    static func learningCurves(_ export: RunExport, labels: [String]) -> ReportSection {
        let sourceOf = Dictionary(
            uniqueKeysWithValues: export.trainings.map { ($0.id, $0.sourceIndex) })
        let returns = export.metrics.filter { $0.key == MetricName.episodicReturn }
        let grouped = Dictionary(grouping: returns) { $0.training.flatMap { sourceOf[$0] } ?? -1 }
        let series = grouped.keys.filter { $0 >= 0 }.sorted().map { source -> PlotSeries in
            let points = smoothed(grouped[source]!.sorted { $0.step < $1.step }.map { ($0.step, $0.value) })
            return PlotSeries(name: labels[source], x: points.map(\.0), y: points.map(\.1))
        }
        guard !series.isEmpty else {
            return ReportSection(title: "Learning curves", items: [.paragraph("No finished trainings yet.")])
        }
        let svg = LinePlot(
            title: "Training return per source",
            xAxis: PlotAxis(title: "environment steps"),
            yAxis: PlotAxis(title: "episodic return", unit: "raw"), series: series
        ).svg()
        return ReportSection(
            title: "Learning curves",
            items: [.figure(svg: svg, caption: "Mean of every 20 consecutive finished episodes.")])
    }

    /// Means of consecutive groups of 20 episodes, to keep plots readable.
    static func smoothed(_ records: [(step: Int, value: Double)]) -> [(Double, Double)] {
        stride(from: 0, to: records.count, by: 20).map { start in
            let group = records[start..<min(start + 20, records.count)]
            let mean = group.reduce(0) { $0 + $1.value } / Double(group.count)
            return (Double(group.last!.step), mean)
        }
    }

    static func sharedPolicy(store: RunStore, export: RunExport, labels: [String]) throws
        -> ReportSection?
    {
        let means = export.metrics.filter { $0.key.hasPrefix("shared/") && $0.key.hasSuffix("/return_mean") }
        guard !means.isEmpty else { return nil }
        var items: [ReportItem] = []
        let value = export.metrics.first { $0.key.hasSuffix("/generalized_performance") }?.value
        items.append(.paragraph(
            "A shared policy (\(means[0].key.split(separator: "/")[1])) trained on the selected "
                + "sources, evaluated zero-shot on every context"
                + (value.map { String(format: ": generalized performance %.3f.", $0) } ?? ".")))
        items.append(.table(ReportTable(
            headers: ["target", "mean return"],
            rows: means.sorted { $0.step < $1.step }.map {
                [labels[$0.step], String(format: "%.1f", $0.value)]
            })))
        if let data = try store.loadCheckpoint(run: export.run.id, name: "shared/attention"),
            let checkpoint = try? Checkpoint(decoding: data),
            let attention = checkpoint.doubleTensors["attention"]
        {
            let sources = (checkpoint.metadata["columns"] ?? "")
                .replacingOccurrences(of: "sources ", with: "").split(separator: ",")
                .compactMap { Int($0) }
            let columnLabels = sources.count == attention.columns
                ? sources.map { labels[$0] } : (0..<attention.columns).map { "source \($0)" }
            items.append(.figure(
                svg: HeatMap(
                    title: "Open-book attention over the trained sources",
                    rowTitle: "target", columnTitle: "source", rowLabels: labels,
                    columnLabels: columnLabels,
                    values: (0..<attention.rows).map { attention.row($0) },
                    colorBarTitle: "attention weight", valueRange: 0...1
                ).svg(),
                caption: "Each row sums to 1: a context similarity learned by the shared policy."))
        }
        return ReportSection(title: "Shared policy", items: items)
    }
}
