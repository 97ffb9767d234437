import Foundation

extension RunStore {
    /// Adds the context at `index` of a run's context set, or checks the one already there.
    ///
    /// Adding is idempotent, also when several processes add the same context at once.
    ///
    /// - Parameter features: Feature values by feature name; they must be finite.
    /// - Throws: `RunStoreError.contextConflict` when the run has a context at `index` with
    ///   other values, `RunStoreError.invalidJSON` for a non-finite value, and `SQLiteError`
    ///   with `SQLITE_CONSTRAINT_FOREIGNKEY` (787) for an unknown run.
    public func addContext(run: RunID, index: Int, features: [String: Double]) throws {
        let text = try JSONColumns.encodeFeatures(features)
        try database.transaction {
            try insertContext(run: run, index: index, featuresText: text)
        }
    }

    /// Adds a whole context set in one transaction, at indexes 0, 1, 2, ...
    ///
    /// - Throws: The errors of `addContext(run:index:features:)`; then no context is added.
    public func addContexts(run: RunID, _ contexts: [[String: Double]]) throws {
        let texts = try contexts.map(JSONColumns.encodeFeatures)
        try database.transaction {
            for (index, text) in texts.enumerated() {
                try insertContext(run: run, index: index, featuresText: text)
            }
        }
    }

    private func insertContext(run: RunID, index: Int, featuresText: String) throws {
        try database.execute(
            """
            INSERT INTO contexts (run_id, context_index, features) VALUES (?, ?, ?)
            ON CONFLICT (run_id, context_index) DO NOTHING
            """,
            [.integer(run.rawValue), .integer(index), .text(featuresText)])
        let stored = try database.scalar(
            "SELECT features FROM contexts WHERE run_id = ? AND context_index = ?",
            [.integer(run.rawValue), .integer(index)])
        // Both texts come from JSONColumns with sorted keys, so equal features give equal text.
        guard stored?.textValue == featuresText else {
            throw RunStoreError.contextConflict(run: run, index: index)
        }
    }

    /// Returns the contexts of a run, by index.
    public func contexts(run: RunID) throws -> [RunContext] {
        try database.cachedStatement(
            "SELECT context_index, features FROM contexts WHERE run_id = ? ORDER BY context_index"
        ).map([.integer(run.rawValue)]) { row in
            RunContext(
                index: row.int(at: 0),
                features: try JSONColumns.decode(
                    [String: Double].self, from: row.text(at: 1), column: "contexts.features"))
        }
    }
}
