import Foundation

extension RunStore {
    /// Records one step of a selection strategy, replacing an earlier record of the same
    /// strategy and step.
    ///
    /// - Precondition: The candidate arrays have equal lengths.
    /// - Throws: `SQLiteError` with `SQLITE_CONSTRAINT_FOREIGNKEY` (787) when the run has no
    ///   context at `step.chosenIndex`.
    public func recordSelectionStep(run: RunID, _ step: SelectionStep) throws {
        let count = step.candidates.count
        precondition(
            step.predictedMeans.count == count
                && step.predictedStandardDeviations.count == count
                && step.acquisitionValues.count == count,
            "selection step \(step.step): candidate arrays differ in length")
        let arrays = [
            try JSONColumns.encode(step.candidates, column: "selection_steps.candidates"),
            try JSONColumns.encode(step.predictedMeans, column: "selection_steps.predicted_means"),
            try JSONColumns.encode(
                step.predictedStandardDeviations,
                column: "selection_steps.predicted_standard_deviations"),
            try JSONColumns.encode(
                step.acquisitionValues, column: "selection_steps.acquisition_values"),
        ]
        try database.transaction {
            try database.execute(
                """
                INSERT INTO selection_steps (run_id, strategy, step, chosen_index, candidates,
                    predicted_means, predicted_standard_deviations, acquisition_values,
                    generalized_performance, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, strategy, step) DO UPDATE
                    SET chosen_index = excluded.chosen_index, candidates = excluded.candidates,
                        predicted_means = excluded.predicted_means,
                        predicted_standard_deviations = excluded.predicted_standard_deviations,
                        acquisition_values = excluded.acquisition_values,
                        generalized_performance = excluded.generalized_performance,
                        recorded_at = excluded.recorded_at
                """,
                [
                    .integer(run.rawValue), .text(step.strategy), .integer(step.step),
                    .integer(step.chosenIndex),
                ] + arrays.map(SQLValue.text)
                    + [.optionalReal(step.generalizedPerformance), step.time.sqlValue])
        }
    }

    /// Returns the selection steps of a run, ordered by strategy, then step.
    ///
    /// - Parameter strategy: Only steps of this strategy, or nil for all of them.
    public func selectionSteps(run: RunID, strategy: String? = nil) throws -> [SelectionStep] {
        var sql = """
            SELECT strategy, step, chosen_index, candidates, predicted_means,
                   predicted_standard_deviations, acquisition_values, generalized_performance,
                   recorded_at
            FROM selection_steps WHERE run_id = ?
            """
        var arguments: [SQLValue] = [.integer(run.rawValue)]
        if let strategy {
            sql += " AND strategy = ?"
            arguments.append(.text(strategy))
        }
        sql += " ORDER BY strategy, step"
        return try database.cachedStatement(sql).map(arguments, Self.readSelectionStep)
    }

    static func readSelectionStep(_ row: Statement) throws -> SelectionStep {
        func numbers(_ index: Int, _ column: String) throws -> [Double] {
            try JSONColumns.decode([Double].self, from: row.text(at: index), column: column)
        }
        return SelectionStep(
            strategy: row.text(at: 0),
            step: row.int(at: 1),
            chosenIndex: row.int(at: 2),
            candidates: try JSONColumns.decode(
                [Int].self, from: row.text(at: 3), column: "selection_steps.candidates"),
            predictedMeans: try numbers(4, "selection_steps.predicted_means"),
            predictedStandardDeviations: try numbers(
                5, "selection_steps.predicted_standard_deviations"),
            acquisitionValues: try numbers(6, "selection_steps.acquisition_values"),
            generalizedPerformance: row.optionalDouble(at: 7),
            time: row.date(at: 8))
    }
}
