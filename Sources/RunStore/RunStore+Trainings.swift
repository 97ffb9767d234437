import Foundation

extension RunStore {
    /// Starts the training of a run's policy on one source context, or returns the existing
    /// training of that source.
    ///
    /// Each source has one training, which makes the unit "train source i" idempotent. A
    /// finished training is returned unchanged, so the caller can skip it. Any other one
    /// (interrupted, failed, or running in a process that died) is set back to `running`
    /// with this start time, keeping its steps and time so far.
    ///
    /// - Throws: `SQLiteError` with `SQLITE_CONSTRAINT_FOREIGNKEY` (787) when the run has no
    ///   context at `sourceIndex`.
    @discardableResult
    public func startTraining(run: RunID, sourceIndex: Int, time: Date = Date()) throws
        -> Training
    {
        try database.transaction {
            try database.execute(
                """
                INSERT INTO trainings (run_id, source_index, status, started_at)
                VALUES (?, ?, 'running', ?)
                ON CONFLICT (run_id, source_index) DO UPDATE
                    SET status = 'running', started_at = excluded.started_at,
                        finished_at = NULL
                    WHERE status != 'finished'
                """,
                [.integer(run.rawValue), .integer(sourceIndex), time.sqlValue])
            let training = try database.cachedStatement(
                """
                SELECT \(Self.trainingColumns) FROM trainings
                WHERE run_id = ? AND source_index = ?
                """
            ).map([.integer(run.rawValue), .integer(sourceIndex)], Self.readTraining).first
            guard let training else {
                preconditionFailure("training of source \(sourceIndex) missing after its insert")
            }
            return training
        }
    }

    /// Records the end of a training with its final step count and training time.
    ///
    /// - Parameters:
    ///   - status: `finished`, `failed` or `interrupted`.
    ///   - steps: Environment steps taken in total.
    ///   - wallSeconds: Training time in seconds, as measured by the trainer.
    /// - Throws: `RunStoreError.trainingNotFound` for an unknown id.
    public func finishTraining(
        _ training: TrainingID, status: RunStatus = .finished, steps: Int, wallSeconds: Double,
        time: Date = Date()
    ) throws {
        precondition(status != .running, "finishTraining needs a final status, not running")
        try database.transaction {
            try database.execute(
                """
                UPDATE trainings SET status = ?, steps = ?, wall_seconds = ?, finished_at = ?
                WHERE id = ?
                """,
                [
                    .text(status.rawValue), .integer(steps), .real(wallSeconds), time.sqlValue,
                    .integer(training.rawValue),
                ])
            guard database.changes == 1 else {
                throw RunStoreError.trainingNotFound(training)
            }
        }
    }

    /// Records the progress of a running training, so that an interrupted one shows how far
    /// it got.
    public func updateTrainingProgress(_ training: TrainingID, steps: Int, wallSeconds: Double)
        throws
    {
        try database.transaction {
            try database.execute(
                "UPDATE trainings SET steps = ?, wall_seconds = ? WHERE id = ?",
                [.integer(steps), .real(wallSeconds), .integer(training.rawValue)])
            guard database.changes == 1 else {
                throw RunStoreError.trainingNotFound(training)
            }
        }
    }

    /// Returns the training with this id, or nil.
    public func training(id: TrainingID) throws -> Training? {
        try database.cachedStatement("SELECT \(Self.trainingColumns) FROM trainings WHERE id = ?")
            .map([.integer(id.rawValue)], Self.readTraining).first
    }

    /// Returns the trainings of a run, by source index.
    public func trainings(run: RunID) throws -> [Training] {
        try database.cachedStatement(
            "SELECT \(Self.trainingColumns) FROM trainings WHERE run_id = ? ORDER BY source_index"
        ).map([.integer(run.rawValue)], Self.readTraining)
    }

    static let trainingColumns =
        "id, run_id, source_index, status, steps, wall_seconds, started_at, finished_at"

    static func readTraining(_ row: Statement) throws -> Training {
        Training(
            id: TrainingID(rawValue: row.int64(at: 0)),
            run: RunID(rawValue: row.int64(at: 1)),
            sourceIndex: row.int(at: 2),
            status: try readStatus(row, at: 3),
            steps: row.int(at: 4),
            wallSeconds: row.double(at: 5),
            startedAt: row.date(at: 6),
            finishedAt: row.optionalDate(at: 7))
    }
}
