import Foundation
import RunStore
import Transfer

/// `--strategy all`: with every context trained, reports every strategy on the full matrix
/// and stores each one's selection steps.
enum StrategyComparison {
    static let strategies: [StrategyName] = [
        .mbtlGaussianProcess, .mbtlPseudoGreedy, .mbtlEquidistant, .random, .sequentialOracle,
        .oracle, .independent, .multitask,
    ]

    static func run(matrix: TransferMatrix, plan: TrainPlan, store: RunStore) throws
        -> [SelectionReport]
    {
        let isOneDimensional = plan.contextSet.variedFeatures.count <= 1
        var reports: [SelectionReport] = []
        for name in strategies {
            if !isOneDimensional && (name == .mbtlPseudoGreedy || name == .mbtlEquidistant) {
                continue
            }
            if name == .multitask && matrix.multitaskReturns == nil { continue }
            let report = try runOfflineSelection(
                matrix: matrix, strategy: name, budget: min(plan.scenario.budget, matrix.count),
                options: plan.selectionOptions)
            for step in report.steps {
                let decision = step.decision
                try store.recordSelectionStep(
                    run: plan.run,
                    SelectionStep(
                        strategy: report.strategy, step: step.k - 1, chosenIndex: step.chosen,
                        candidates: decision.candidates, predictedMeans: decision.predictedMeans,
                        predictedStandardDeviations: decision.predictedStandardDeviations,
                        acquisitionValues: decision.acquisitionValues,
                        generalizedPerformance: step.generalizedPerformance))
            }
            if report.steps.isEmpty {
                // Reference values and the mean of random orderings have no steps of their
                // own; their curves go to run-level metrics for the report.
                try store.logMetrics(
                    run: plan.run,
                    report.curve.enumerated().map { index, value in
                        MetricSample(
                            key: "selection/\(report.strategy)/generalized_performance",
                            step: index + 1, value: value)
                    })
            }
            reports.append(report)
        }
        return reports
    }
}
