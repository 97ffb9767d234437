import Foundation
import Transfer

/// The end-of-run output of `train`: a table for people and a JSON object for tools.
enum TrainSummary {
    static func table(_ result: TrainResult, plan: TrainPlan) -> String {
        var lines: [String] = []
        let count = plan.contextSet.contexts.count
        if !result.steps.isEmpty {
            lines.append(
                "Selection with \(plan.scenario.strategy) on \(plural(count, "context")) "
                    + "(V_k: generalized performance, normalised to [0, 1]):")
            let rows = result.steps.map { step -> [String] in
                let decision = step.decision
                let position = decision.candidates.firstIndex(of: decision.source)
                let mean = position.map { String(format: "%.3f", decision.predictedMeans[$0]) } ?? "-"
                let deviation = position.map {
                    String(format: "%.3f", decision.predictedStandardDeviations[$0])
                } ?? "-"
                let ownReturn = step.unit.means[step.unit.source]
                return [
                    "\(decision.step + 1)", "\(decision.source)",
                    shortLabel(plan.contextSet, decision.source), mean, deviation,
                    String(format: "%.1f", ownReturn),
                    String(format: "%.3f", step.generalizedPerformance),
                ]
            }
            lines += alignedColumns(
                header: ["k", "source", "context", "GP mean", "GP std", "own return", "V_k"],
                rows: rows
            ).map { "  " + $0 }
        }
        if !result.reports.isEmpty {
            lines.append("Strategies on the full \(count)x\(count) transfer matrix "
                         + "(budget \(min(plan.scenario.budget, count))):")
            let rows = result.reports.map { report -> [String] in
                [
                    report.strategy,
                    report.curve.map { String(format: "%.3f", $0) }.joined(separator: " "),
                    String(format: "%.3f", report.meanPerformance),
                    report.sampleEfficiency.map { String(format: "%.1fx", $0) } ?? "-",
                ]
            }
            lines += alignedColumns(
                header: ["strategy", "V_1 ... V_K", "mean", "sample efficiency"], rows: rows
            ).map { "  " + $0 }
            if let first = result.reports.first {
                let baseline = first.multitaskPerformance == nil
                    ? "independent training (no multi-task baseline was trained)"
                    : "the better of independent and multi-task training"
                lines.append(
                    String(
                        format: "  Sample efficiency is N / k*, where k* is the first k that "
                            + "reaches %.3f, %@; - means not within the budget.",
                        first.baselinePerformance, baseline))
            }
        }
        if !result.multitask.isEmpty {
            let bounds = plan.scenario.environment.returnBounds
            lines.append("Multi-task baseline (one policy, context visible, all contexts):")
            lines += alignedColumns(
                header: ["budget", "steps", "V"],
                rows: result.multitask.map { baseline in
                    let normalized = baseline.means.map {
                        TransferMatrix.normalizedPerformance($0, returnBounds: bounds)
                    }
                    return [
                        baseline.label, String(baseline.totalSteps),
                        String(format: "%.3f", normalized.reduce(0, +) / Double(normalized.count)),
                    ]
                }
            ).map { "  " + $0 }
        }
        if let shared = result.shared {
            let independent = result.steps.last?.generalizedPerformance
                ?? result.reports.first?.curve.last
            lines.append("Generalized performance on all \(count) contexts:")
            var rows: [[String]] = []
            if let independent {
                rows.append([
                    "independent policies on \(result.sharedSources.count) sources (best per target)",
                    String(format: "%.3f", independent), String(shared.independentParameterCount),
                ])
            }
            rows.append([
                "shared \(shared.kind.rawValue) policy (zero-shot rule: \(shared.mode.rawValue))",
                String(format: "%.3f", shared.generalizedPerformance),
                String(shared.counts.trainable),
            ])
            lines += alignedColumns(header: ["policy", "V", "trainable parameters"], rows: rows)
                .map { "  " + $0 }
        }
        let reused = result.units.filter(\.wasStored).count
        lines.append(
            String(format: "Training and evaluation took %.1f s", result.trainingSeconds)
                + (reused == 0
                    ? "." : " (\(plural(reused, "unit")) already finished earlier, read back)."))
        return lines.joined(separator: "\n")
    }

    static func json(_ result: TrainResult, plan: TrainPlan) -> JSONText {
        let steps = result.steps.map { step -> JSONText in
            let decision = step.decision
            let position = decision.candidates.firstIndex(of: decision.source)
            return .object([
                ("k", .integer(decision.step + 1)),
                ("chosen", .integer(decision.source)),
                ("context", contextJSON(plan.contextSet.variedValues(at: decision.source))),
                ("generalized_performance", .number(step.generalizedPerformance)),
                ("predicted_mean", position.map { .number(decision.predictedMeans[$0]) } ?? .null),
                ("predicted_std",
                 position.map { .number(decision.predictedStandardDeviations[$0]) } ?? .null),
            ])
        }
        let evaluations = result.units.flatMap { unit in
            unit.means.indices.map { target -> JSONText in
                .object([
                    ("source", .integer(unit.source)),
                    ("target", .integer(target)),
                    ("mean", .number(unit.means[target])),
                    ("std", .number(unit.standardDeviations[target])),
                    ("episodes", .integer(plan.scenario.evaluationEpisodes)),
                ])
            }
        }
        let strategies = result.reports.map { report -> JSONText in
            .object([
                ("strategy", .string(report.strategy)),
                ("curve", .array(report.curve.map { .number($0) })),
                ("mean_performance", .number(report.meanPerformance)),
                ("sample_efficiency", report.sampleEfficiency.map { .number($0) } ?? .null),
                ("chosen", .array(report.steps.map { .integer($0.chosen) })),
            ])
        }
        return .object([
            ("run_id", .integer(Int(plan.run.rawValue))),
            ("environment", .string(plan.scenario.environment.rawValue)),
            ("contexts", .string(plan.scenario.contexts)),
            ("strategy", .string(plan.scenario.strategy)),
            ("seed", .integer(Int(plan.scenario.seed))),
            ("ppo_steps", .integer(plan.scenario.ppo.totalSteps)),
            ("chosen_sources", .array(result.steps.map { .integer($0.decision.source) })),
            ("steps", .array(steps)),
            ("evaluations", .array(evaluations)),
            ("strategies", .array(strategies)),
            ("shared_policy", result.shared.map { shared -> JSONText in
                .object([
                    ("kind", .string(shared.kind.rawValue)),
                    ("zero_shot", .string(shared.mode.rawValue)),
                    ("sources", .array(result.sharedSources.map { .integer($0) })),
                    ("generalized_performance", .number(shared.generalizedPerformance)),
                    ("trainable_parameters", .integer(shared.counts.trainable)),
                    ("independent_parameters", .integer(shared.independentParameterCount)),
                    ("evaluations", .array(shared.results.enumerated().map { target, value in
                        .object([
                            ("target", .integer(target)), ("mean", .number(value.mean)),
                            ("std", .number(value.standardDeviation)),
                            ("episodes", .integer(value.episodes)),
                        ])
                    })),
                ])
            } ?? .null),
            // PPO training time of the units run now, without evaluation.
            ("training_seconds", .number(result.units.reduce(0) { $0 + $1.trainingSeconds })),
            ("total_seconds", .number(result.trainingSeconds)),
        ])
    }

    /// Formats the varied features of context `index` with four significant digits, such as
    /// `length=0.4429`.
    static func shortLabel(_ contextSet: ContextSet, _ index: Int) -> String {
        let values = contextSet.variedValues(at: index)
        if values.isEmpty { return "default" }
        return values.keys.sorted().map { String(format: "%@=%.4g", $0, values[$0]!) }
            .joined(separator: ",")
    }

    static func contextJSON(_ values: [String: Double]) -> JSONText {
        .object(values.keys.sorted().map { ($0, .number(values[$0]!)) })
    }
}
