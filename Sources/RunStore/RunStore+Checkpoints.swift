import Foundation

extension RunStore {
    // MARK: - Checkpoints

    /// Saves checkpoint bytes under `name`, replacing an earlier checkpoint of that name.
    ///
    /// - Parameters:
    ///   - training: The training the checkpoint belongs to, or nil for a run-level one.
    ///   - name: A name unique within the run, such as "source-3/final".
    /// - Throws: `SQLiteError` with `SQLITE_TOOBIG` (18) when `data` exceeds SQLite's maximum
    ///   blob length (1,000,000,000 bytes by default), and with `SQLITE_CONSTRAINT_FOREIGNKEY`
    ///   (787) for an unknown run or a training of another run.
    public func saveCheckpoint(
        run: RunID, training: TrainingID? = nil, name: String, data: Data, time: Date = Date()
    ) throws {
        try database.transaction {
            try database.execute(
                """
                INSERT INTO checkpoints (run_id, training_id, name, data, created_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (run_id, name) DO UPDATE
                    SET training_id = excluded.training_id, data = excluded.data,
                        created_at = excluded.created_at
                """,
                [
                    .integer(run.rawValue), training.map { .integer($0.rawValue) } ?? .null,
                    .text(name), .blob(data), time.sqlValue,
                ])
        }
    }

    /// Returns the bytes of the checkpoint named `name`, or nil when the run has none of that name.
    public func loadCheckpoint(run: RunID, name: String) throws -> Data? {
        try database.cachedStatement(
            "SELECT data FROM checkpoints WHERE run_id = ? AND name = ?"
        ).map([.integer(run.rawValue), .text(name)]) { $0.data(at: 0) }.first
    }

    /// Returns the checkpoints of a run without their bytes, ordered by name.
    public func checkpoints(run: RunID) throws -> [CheckpointInfo] {
        try database.cachedStatement(
            """
            SELECT name, training_id, length(data), created_at
            FROM checkpoints WHERE run_id = ? ORDER BY name
            """
        ).map([.integer(run.rawValue)]) { row in
            CheckpointInfo(
                name: row.text(at: 0),
                training: row.isNull(at: 1) ? nil : TrainingID(rawValue: row.int64(at: 1)),
                byteCount: row.int(at: 2),
                createdAt: row.date(at: 3))
        }
    }

    // MARK: - Artifacts

    /// Records a file produced for a run, replacing the kind and time of an earlier record
    /// of the same path.
    public func addArtifact(run: RunID, kind: String, path: String, time: Date = Date()) throws {
        try database.transaction {
            try database.execute(
                """
                INSERT INTO artifacts (run_id, kind, path, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (run_id, path) DO UPDATE
                    SET kind = excluded.kind, created_at = excluded.created_at
                """,
                [.integer(run.rawValue), .text(kind), .text(path), time.sqlValue])
        }
    }

    /// Returns the artifacts of a run, in the order they were first added.
    public func artifacts(run: RunID) throws -> [Artifact] {
        try database.cachedStatement(
            "SELECT kind, path, created_at FROM artifacts WHERE run_id = ? ORDER BY id"
        ).map([.integer(run.rawValue)]) { row in
            Artifact(kind: row.text(at: 0), path: row.text(at: 1), createdAt: row.date(at: 2))
        }
    }
}
