import Foundation

extension RunStore {
    /// Records the evaluation of the policy trained on `evaluation.source` on
    /// `evaluation.target`, replacing an earlier evaluation of the same pair.
    ///
    /// - Throws: `SQLiteError` with `SQLITE_CONSTRAINT_FOREIGNKEY` (787) when the run has no
    ///   context at the source or target index.
    public func recordEvaluation(run: RunID, _ evaluation: Evaluation) throws {
        try recordEvaluations(run: run, [evaluation])
    }

    /// Records many evaluations in one transaction, such as one row of a transfer matrix.
    public func recordEvaluations(run: RunID, _ evaluations: [Evaluation]) throws {
        try database.transaction {
            let upsert = try database.cachedStatement(
                """
                INSERT INTO evaluations (run_id, source_index, target_index, episodes, mean,
                                         standard_deviation, evaluated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, source_index, target_index) DO UPDATE
                    SET episodes = excluded.episodes, mean = excluded.mean,
                        standard_deviation = excluded.standard_deviation,
                        evaluated_at = excluded.evaluated_at
                """)
            for evaluation in evaluations {
                try upsert.execute([
                    .integer(run.rawValue), .integer(evaluation.source),
                    .integer(evaluation.target), .integer(evaluation.episodes),
                    .real(evaluation.mean), .real(evaluation.standardDeviation),
                    evaluation.time.sqlValue,
                ])
            }
        }
    }

    /// Returns the evaluations of one source's policy, ordered by target.
    public func evaluations(run: RunID, source: Int) throws -> [Evaluation] {
        try database.cachedStatement(
            """
            SELECT source_index, target_index, episodes, mean, standard_deviation, evaluated_at
            FROM evaluations WHERE run_id = ? AND source_index = ? ORDER BY target_index
            """
        ).map([.integer(run.rawValue), .integer(source)], Self.readEvaluation)
    }

    /// Returns the evaluations of a run, ordered by source, then target.
    public func evaluations(run: RunID) throws -> [Evaluation] {
        try database.cachedStatement(
            """
            SELECT source_index, target_index, episodes, mean, standard_deviation, evaluated_at
            FROM evaluations WHERE run_id = ? ORDER BY source_index, target_index
            """
        ).map([.integer(run.rawValue)], Self.readEvaluation)
    }

    /// Reads a row of `source_index, target_index, episodes, mean, standard_deviation,
    /// evaluated_at`.
    static func readEvaluation(_ row: Statement) -> Evaluation {
        Evaluation(
            source: row.int(at: 0), target: row.int(at: 1), episodes: row.int(at: 2),
            mean: row.double(at: 3), standardDeviation: row.double(at: 4),
            time: row.date(at: 5))
    }
}
