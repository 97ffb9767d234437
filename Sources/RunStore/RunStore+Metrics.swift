import Foundation

extension RunStore {
    // MARK: - Logging

    /// Logs one metric value in its own transaction.
    ///
    /// NaN is stored as NULL in `metrics.value` and the infinities as REAL, so that no
    /// NaN matches a numeric filter such as `value < 0.1`. All three read back unchanged.
    ///
    /// - Parameters:
    ///   - training: The training the value belongs to, or nil for a run-level metric.
    ///   - key: A namespaced metric name, such as `charts/episodic_return`.
    /// - Throws: `SQLiteError` with `SQLITE_CONSTRAINT_FOREIGNKEY` (787) for an unknown run,
    ///   or a training of another run.
    public func logMetric(
        run: RunID, training: TrainingID? = nil, key: String, step: Int, value: Double,
        time: Date = Date()
    ) throws {
        try logMetrics(
            run: run, training: training,
            [MetricSample(key: key, step: step, value: value, time: time)])
    }

    /// Logs many metric values in one transaction: all of them are stored, or none.
    ///
    /// - Complexity: One INSERT per sample, with one commit for the batch.
    public func logMetrics(run: RunID, training: TrainingID? = nil, _ samples: [MetricSample])
        throws
    {
        let trainingValue = training.map { SQLValue.integer($0.rawValue) } ?? .null
        try database.transaction {
            let insert = try database.cachedStatement(
                """
                INSERT INTO metrics (run_id, training_id, key, step, value, wall_time)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            for sample in samples {
                // sqlite3_bind_double stores NaN as NULL, which is the encoding wanted here.
                try insert.execute([
                    .integer(run.rawValue), trainingValue, .text(sample.key),
                    .integer(sample.step), .real(sample.value), sample.time.sqlValue,
                ])
            }
        }
    }

    /// Replaces every metric of `training` with `samples`, in one transaction.
    ///
    /// A unit of work that is rerun after an interruption logs its whole learning curve again;
    /// replacing instead of appending keeps one curve per training.
    public func replaceMetrics(run: RunID, training: TrainingID, _ samples: [MetricSample])
        throws
    {
        try database.transaction {
            try database.execute(
                "DELETE FROM metrics WHERE run_id = ? AND training_id = ?",
                [.integer(run.rawValue), .integer(training.rawValue)])
            try logMetrics(run: run, training: training, samples)
        }
    }

    // MARK: - Reading

    /// Returns the latest value of a metric: the one with the greatest step, then the greatest wall
    /// time. Among rows equal in both, the greatest value wins (a NaN, stored as NULL, loses to
    /// any number), so the answer does not depend on the order the rows were logged in.
    ///
    /// - Parameter training: Only rows of this training, or nil for rows of any training
    ///   and run-level rows alike.
    /// - Returns: The row, or nil when the metric has no rows.
    public func latestMetric(run: RunID, training: TrainingID? = nil, key: String) throws
        -> MetricRecord?
    {
        try metricRows(run: run, training: training, key: key, latestOnly: true).first
    }

    /// Returns every value of a metric, ordered by step, then wall time, then insertion.
    ///
    /// - Parameter training: Only rows of this training, or nil for rows of any training
    ///   and run-level rows alike.
    public func metricHistory(run: RunID, training: TrainingID? = nil, key: String) throws
        -> [MetricRecord]
    {
        try metricRows(run: run, training: training, key: key, latestOnly: false)
    }

    /// Returns the distinct metric keys of a run, sorted.
    public func metricKeys(run: RunID) throws -> [String] {
        try database.cachedStatement(
            "SELECT DISTINCT key FROM metrics WHERE run_id = ? ORDER BY key"
        ).map([.integer(run.rawValue)]) { $0.text(at: 0) }
    }

    /// Returns every metric row of a run, ordered by key, then as in `metricHistory`.
    public func allMetrics(run: RunID) throws -> [MetricRecord] {
        try database.cachedStatement(
            """
            SELECT \(Self.metricColumns) FROM metrics WHERE run_id = ?
            ORDER BY key, step, wall_time, id
            """
        ).map([.integer(run.rawValue)], Self.readMetric)
    }

    private func metricRows(run: RunID, training: TrainingID?, key: String, latestOnly: Bool)
        throws -> [MetricRecord]
    {
        // `id` is the rowid. SQLite gives a new row one more than the largest rowid present
        // (unless that is 2^63 - 1), so among the rows present a larger id is a later insert.
        // SQLite sorts NULL below every number, so `value DESC` puts NaN rows last.
        let order =
            latestOnly
            ? "step DESC, wall_time DESC, value DESC, id DESC LIMIT 1" : "step, wall_time, id"
        var filter = "run_id = ? AND key = ?"
        var arguments: [SQLValue] = [.integer(run.rawValue), .text(key)]
        if let training {
            filter += " AND training_id = ?"
            arguments.append(.integer(training.rawValue))
        }
        return try database.cachedStatement(
            "SELECT \(Self.metricColumns) FROM metrics WHERE \(filter) ORDER BY \(order)"
        ).map(arguments, Self.readMetric)
    }

    static let metricColumns = "training_id, key, step, value, wall_time"

    static func readMetric(_ row: Statement) -> MetricRecord {
        MetricRecord(
            training: row.isNull(at: 0) ? nil : TrainingID(rawValue: row.int64(at: 0)),
            key: row.text(at: 1),
            step: row.int(at: 2),
            value: row.double(at: 3),
            time: row.date(at: 4))
    }
}
