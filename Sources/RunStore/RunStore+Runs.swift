import Foundation

extension RunStore {
    // MARK: - Creating and finishing runs

    /// Creates a run named `name`, or returns the id of the run that already has that name.
    ///
    /// The current process becomes the run's owner, and the status is `running`. Creation is
    /// idempotent, also when several processes create the same name at the same moment, so
    /// that processes sharing one experiment can all call it.
    ///
    /// - Parameters:
    ///   - name: A name unique in the store.
    ///   - kind: What produces the run, such as "train" or "select".
    ///   - configuration: The full configuration as JSON text.
    ///   - seed: The run seed. SQLite integers are signed, so seeds of 2^63 and above are
    ///     stored as their two's-complement bit pattern and read back unchanged.
    ///   - ctxrlVersion: The version of the ctxrl code that runs it.
    ///   - time: The start time.
    /// - Returns: The id of the new or existing run.
    /// - Throws: `RunStoreError.runConflict` when a run with this name has a different kind,
    ///   configuration text or seed. `SQLiteError` with `SQLITE_CONSTRAINT_CHECK` (275) when
    ///   `configuration` is not valid JSON.
    @discardableResult
    public func createRun(
        name: String, kind: String, configuration: String, seed: UInt64, ctxrlVersion: String,
        time: Date = Date()
    ) throws -> RunID {
        try database.transaction {
            try database.execute(
                """
                INSERT INTO runs (name, kind, configuration, seed, ctxrl_version, status,
                                  started_at, host, pid)
                VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)
                ON CONFLICT (name) DO NOTHING
                """,
                [
                    .text(name), .text(kind), .text(configuration),
                    .integer(Int64(bitPattern: seed)), .text(ctxrlVersion), time.sqlValue,
                    .text(owner.host), .integer(Int64(owner.pid)),
                ])
            guard let run = try run(named: name) else {
                // The insert or an earlier one made the row, and the write lock is held.
                preconditionFailure("run '\(name)' missing right after its insert")
            }
            if run.kind != kind {
                throw RunStoreError.runConflict(name: name, field: "kind")
            }
            if run.configuration != configuration {
                throw RunStoreError.runConflict(name: name, field: "configuration")
            }
            if run.seed != seed {
                throw RunStoreError.runConflict(name: name, field: "seed")
            }
            return run.id
        }
    }

    /// Creates a run and its contexts in one transaction, or checks an existing run of this
    /// name as `createRun(name:kind:configuration:seed:ctxrlVersion:time:)` and
    /// `addContexts(run:_:)` do.
    ///
    /// A process killed between the two steps would otherwise leave a run without its
    /// contexts, which a shard merge rejects as another context set.
    ///
    /// - Parameter contexts: Feature values by feature name, by context index.
    /// - Throws: The errors of both; then nothing is written.
    @discardableResult
    public func createRun(
        name: String, kind: String, configuration: String, seed: UInt64, ctxrlVersion: String,
        contexts: [[String: Double]]
    ) throws -> RunID {
        try database.transaction {
            let run = try createRun(
                name: name, kind: kind, configuration: configuration, seed: seed,
                ctxrlVersion: ctxrlVersion)
            try addContexts(run: run, contexts)
            return run
        }
    }

    /// Creates a run whose configuration is `configuration` encoded as JSON with sorted keys.
    ///
    /// See `createRun(name:kind:configuration:seed:ctxrlVersion:time:)` for the rest.
    @discardableResult
    public func createRun<Configuration: Encodable>(
        name: String, kind: String, configuration: Configuration, seed: UInt64,
        ctxrlVersion: String, time: Date = Date()
    ) throws -> RunID {
        let text = try JSONColumns.encode(configuration, column: "runs.configuration")
        return try createRun(
            name: name, kind: kind, configuration: text, seed: seed, ctxrlVersion: ctxrlVersion,
            time: time)
    }

    /// Sets the final status and end time of a run.
    ///
    /// Trainings of the run that are still `running` become `interrupted`, because they
    /// cannot go on once their run has stopped.
    ///
    /// - Parameters:
    ///   - status: `finished`, `failed` or `interrupted`.
    ///   - message: A failure message to keep with the run, or nil.
    /// - Throws: `RunStoreError.runNotFound` for an unknown id.
    public func finishRun(
        _ run: RunID, status: RunStatus = .finished, message: String? = nil, time: Date = Date()
    ) throws {
        precondition(status != .running, "finishRun needs a final status, not running")
        try database.transaction {
            try database.execute(
                "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE id = ?",
                [
                    .text(status.rawValue), time.sqlValue, .optionalText(message),
                    .integer(run.rawValue),
                ])
            guard database.changes == 1 else { throw RunStoreError.runNotFound(run) }
            try interruptRunningTrainings(of: run, time: time)
        }
    }

    /// Marks a run and its running trainings as interrupted, such as after SIGINT.
    public func markRunInterrupted(_ run: RunID, time: Date = Date()) throws {
        try finishRun(run, status: .interrupted, time: time)
    }

    /// Sets a stopped run back to `running`, owned by the current process.
    ///
    /// Use it before continuing an interrupted or failed run; finished trainings stay
    /// finished, so the caller can skip them.
    public func resumeRun(_ run: RunID) throws {
        try database.transaction {
            try database.execute(
                """
                UPDATE runs SET status = 'running', finished_at = NULL, message = NULL,
                                host = ?, pid = ?
                WHERE id = ?
                """,
                [.text(owner.host), .integer(Int64(owner.pid)), .integer(run.rawValue)])
            guard database.changes == 1 else { throw RunStoreError.runNotFound(run) }
        }
    }

    func interruptRunningTrainings(of run: RunID, time: Date) throws {
        try database.execute(
            """
            UPDATE trainings SET status = 'interrupted', finished_at = ?
            WHERE run_id = ? AND status = 'running'
            """,
            [time.sqlValue, .integer(run.rawValue)])
    }

    // MARK: - Reading runs

    /// Returns every run, oldest first.
    public func runs() throws -> [Run] {
        try database.cachedStatement("SELECT \(Self.runColumns) FROM runs ORDER BY id")
            .map([], Self.readRun)
    }

    /// Returns the run with this id, or nil.
    public func run(id: RunID) throws -> Run? {
        try database.cachedStatement("SELECT \(Self.runColumns) FROM runs WHERE id = ?")
            .map([.integer(id.rawValue)], Self.readRun).first
    }

    /// Returns the run with this name, or nil.
    public func run(named name: String) throws -> Run? {
        try database.cachedStatement("SELECT \(Self.runColumns) FROM runs WHERE name = ?")
            .map([.text(name)], Self.readRun).first
    }

    static let runColumns = """
        id, name, kind, configuration, seed, ctxrl_version, status, started_at, finished_at,
        host, pid, message
        """

    static func readRun(_ row: Statement) throws -> Run {
        Run(
            id: RunID(rawValue: row.int64(at: 0)),
            name: row.text(at: 1),
            kind: row.text(at: 2),
            configuration: row.text(at: 3),
            seed: UInt64(bitPattern: row.int64(at: 4)),
            ctxrlVersion: row.text(at: 5),
            status: try readStatus(row, at: 6),
            startedAt: row.date(at: 7),
            finishedAt: row.optionalDate(at: 8),
            host: row.text(at: 9),
            pid: Int32(truncatingIfNeeded: row.int64(at: 10)),
            message: row.optionalText(at: 11))
    }

    static func readStatus(_ row: Statement, at index: Int) throws -> RunStatus {
        let text = row.text(at: index)
        guard let status = RunStatus(rawValue: text) else {
            // The CHECK constraints admit only the four statuses, so only a writer that
            // bypassed them (PRAGMA ignore_check_constraints) can store another one.
            throw RunStoreError.unexpectedValue(column: "status", value: text)
        }
        return status
    }
}
