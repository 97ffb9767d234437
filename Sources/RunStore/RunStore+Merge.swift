import Foundation

/// The outcome of one merge of a shard, by source index.
public struct ShardMerge: Equatable, Sendable {
    /// Sources whose finished training was copied into the run by this merge.
    public var merged: [Int] = []
    /// Sources the run already had finished, left as they were.
    public var alreadyPresent: [Int] = []
    /// Sources the shard contains but has not finished (interrupted, failed or still running).
    public var unfinished: [Int] = []
    /// Keys of run-level metrics (such as the multi-task baseline's results) copied by this
    /// merge.
    public var metricKeys: [String] = []

    public init() {}
}

extension RunStore {
    /// Copies the finished trainings of a shard into `run`, with their metrics, evaluations
    /// and checkpoints, in one transaction.
    ///
    /// A shard is a run store written by one process only, holding a copy of one run of
    /// this store: the same name, kind, configuration, seed and contexts. SQLite's locks are
    /// unreliable on network file systems, so each process of a cluster job writes its own
    /// shard, and the shards are merged into the run store afterwards.
    ///
    /// Run-level metrics (those of no training) are copied by key: a key that `run` has no
    /// value of gets every value the shard has of it. Writers of run-level metrics in a
    /// shard, such as the multi-task baseline, store all values of their keys in one
    /// transaction, so a key is never copied halfway.
    ///
    /// Merging is idempotent: a source that `run` already has finished is left alone, so a
    /// merge can be rerun after more units finish, or after a crash halfway. A source that
    /// `run` contains unfinished (from an earlier interrupted attempt) is replaced by the
    /// shard's finished training.
    ///
    /// - Throws: `RunStoreError.shardMismatch` when the shard contains several runs, or a run
    ///   whose name, kind, configuration, seed or contexts differ from `run`'s, and
    ///   `RunStoreError.runNotFound` for an unknown `run`. A shard without a run merges as
    ///   empty.
    @discardableResult
    public func merge(shard: RunStore, into run: RunID) throws -> ShardMerge {
        guard let target = try self.run(id: run) else { throw RunStoreError.runNotFound(run) }
        guard
            let source = try shard.shardRun(
                name: target.name, kind: target.kind, configuration: target.configuration,
                seed: target.seed, contexts: try contexts(run: run))
        else { return ShardMerge() }
        // Read the shard first. Then decide and write in one IMMEDIATE transaction, so that
        // two merges at once cannot both find a unit missing and both copy it.
        let shardTrainings = try shard.trainings(run: source)
        let finishedCopies = try shardTrainings.filter { $0.status == .finished }
            .map { try shard.copyOfTraining($0, run: source) }
        let shardMetrics = try shard.database.rows(
            """
            SELECT key, step, value, wall_time FROM metrics
            WHERE run_id = ? AND training_id IS NULL ORDER BY id
            """, [.integer(source.rawValue)])

        return try database.transaction {
            var result = ShardMerge()
            let finishedHere = Set(
                try trainings(run: run).filter { $0.status == .finished }.map(\.sourceIndex))
            for training in shardTrainings {
                if finishedHere.contains(training.sourceIndex) {
                    result.alreadyPresent.append(training.sourceIndex)
                } else if training.status != .finished {
                    result.unfinished.append(training.sourceIndex)
                }
            }
            for copy in finishedCopies where !finishedHere.contains(copy.training.sourceIndex) {
                try insert(copy, into: run)
                result.merged.append(copy.training.sourceIndex)
            }

            let presentKeys = Set(
                try database.rows(
                    "SELECT DISTINCT key FROM metrics WHERE run_id = ? AND training_id IS NULL",
                    [.integer(run.rawValue)]
                ).compactMap { $0.first?.textValue })
            let metrics = shardMetrics.filter { !presentKeys.contains($0[0].textValue ?? "") }
            for row in metrics {
                try database.execute(
                    """
                    INSERT INTO metrics (run_id, training_id, key, step, value, wall_time)
                    VALUES (?, NULL, ?, ?, ?, ?)
                    """, [.integer(run.rawValue)] + row)
            }
            result.metricKeys = Array(Set(metrics.compactMap { $0[0].textValue })).sorted()
            return result
        }
    }

    /// Checks that this store is a shard of the run described by the arguments: it contains
    /// exactly one run, with this name, kind, configuration, seed and contexts.
    ///
    /// - Returns: The id of the run in this shard, or nil when the shard contains no run yet
    ///   (its process was stopped before it created the run), which leaves nothing to merge.
    /// - Throws: `RunStoreError.shardMismatch` naming the first difference.
    public func shardRun(
        name: String, kind: String, configuration: String, seed: UInt64, contexts: [RunContext]
    ) throws -> RunID? {
        let runs = try runs()
        if runs.isEmpty { return nil }
        guard runs.count == 1, let run = runs.first else {
            throw RunStoreError.shardMismatch(
                shard: path, reason: "it contains \(runs.count) runs, not one")
        }
        func differs(_ field: String) -> RunStoreError {
            .shardMismatch(
                shard: path,
                reason: "it belongs to run '\(run.name)' with a different \(field) than '\(name)'")
        }
        guard run.name == name else {
            throw RunStoreError.shardMismatch(
                shard: path, reason: "it belongs to run '\(run.name)', not to run '\(name)'")
        }
        if run.kind != kind { throw differs("kind") }
        if run.configuration != configuration { throw differs("configuration") }
        if run.seed != seed { throw differs("seed") }
        if try self.contexts(run: run.id) != contexts { throw differs("context set") }
        return run.id
    }
}

// MARK: - Copying one training

/// One finished training with everything that belongs to it, as read from a shard.
private struct TrainingCopy {
    var training: Training
    /// Metric rows: key, step, value, wall time.
    var metrics: [[SQLValue]]
    /// Evaluation rows: target, episodes, mean, standard deviation, evaluation time.
    var evaluations: [[SQLValue]]
    /// Checkpoint rows: name, data, creation time.
    var checkpoints: [[SQLValue]]
}

extension RunStore {
    fileprivate func copyOfTraining(_ training: Training, run: RunID) throws -> TrainingCopy {
        TrainingCopy(
            training: training,
            metrics: try database.rows(
                "SELECT key, step, value, wall_time FROM metrics WHERE training_id = ? ORDER BY id",
                [.integer(training.id.rawValue)]),
            evaluations: try database.rows(
                """
                SELECT target_index, episodes, mean, standard_deviation, evaluated_at
                FROM evaluations WHERE run_id = ? AND source_index = ? ORDER BY target_index
                """,
                [.integer(run.rawValue), .integer(training.sourceIndex)]),
            checkpoints: try database.rows(
                "SELECT name, data, created_at FROM checkpoints WHERE training_id = ? ORDER BY id",
                [.integer(training.id.rawValue)]))
    }

    /// Writes a copied training into `run`, replacing whatever unfinished attempt of the
    /// same source the run holds. Must run inside a transaction.
    fileprivate func insert(_ copy: TrainingCopy, into run: RunID) throws {
        let runValue = SQLValue.integer(run.rawValue)
        let source = SQLValue.integer(copy.training.sourceIndex)
        // Deleting the training cascades to its metrics and checkpoints; evaluations are
        // keyed by source, so they go separately.
        try database.execute(
            "DELETE FROM trainings WHERE run_id = ? AND source_index = ?", [runValue, source])
        try database.execute(
            "DELETE FROM evaluations WHERE run_id = ? AND source_index = ?", [runValue, source])
        try database.execute(
            """
            INSERT INTO trainings (run_id, source_index, status, steps, wall_seconds,
                                   started_at, finished_at)
            VALUES (?, ?, 'finished', ?, ?, ?, ?)
            """,
            [
                runValue, source, .integer(copy.training.steps), .real(copy.training.wallSeconds),
                copy.training.startedAt.sqlValue,
                copy.training.finishedAt.map(\.sqlValue) ?? .null,
            ])
        let training = SQLValue.integer(database.lastInsertRowID)
        for row in copy.metrics {
            try database.execute(
                """
                INSERT INTO metrics (run_id, training_id, key, step, value, wall_time)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [runValue, training] + row)
        }
        for row in copy.evaluations {
            try database.execute(
                """
                INSERT INTO evaluations (run_id, source_index, target_index, episodes, mean,
                                         standard_deviation, evaluated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [runValue, source] + row)
        }
        for row in copy.checkpoints {
            try database.execute(
                """
                INSERT INTO checkpoints (run_id, training_id, name, data, created_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (run_id, name) DO UPDATE
                    SET training_id = excluded.training_id, data = excluded.data,
                        created_at = excluded.created_at
                """, [runValue, training] + row)
        }
    }
}
