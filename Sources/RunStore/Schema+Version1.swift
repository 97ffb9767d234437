extension Schema {
    /// The first schema. docs/run-store.md documents every table and column.
    ///
    /// Times are REAL seconds since 1970-01-01 UTC, and context indexes are 0-based
    /// positions in a run's context set. A NULL in a REAL measurement column
    /// (`metrics.value`, `evaluations.mean` and `standard_deviation`) means NaN, because
    /// SQLite stores every bound NaN as NULL. Infinities are stored as REAL.
    static let version1 = """
        CREATE TABLE schema_migrations (
            version INTEGER NOT NULL,
            applied_at REAL NOT NULL,
            pid INTEGER NOT NULL
        );

        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            configuration TEXT NOT NULL CHECK (json_valid(configuration)),
            seed INTEGER NOT NULL,
            ctxrl_version TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
            started_at REAL NOT NULL,
            finished_at REAL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            message TEXT
        );
        CREATE INDEX runs_by_status ON runs (status);

        CREATE TABLE contexts (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            context_index INTEGER NOT NULL CHECK (context_index >= 0),
            features TEXT NOT NULL CHECK (json_valid(features)),
            PRIMARY KEY (run_id, context_index)
        );

        CREATE TABLE trainings (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            source_index INTEGER NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
            steps INTEGER NOT NULL DEFAULT 0 CHECK (steps >= 0),
            wall_seconds REAL NOT NULL DEFAULT 0,
            started_at REAL NOT NULL,
            finished_at REAL,
            UNIQUE (run_id, source_index),
            UNIQUE (run_id, id),
            FOREIGN KEY (run_id, source_index)
                REFERENCES contexts (run_id, context_index) ON DELETE CASCADE
        );

        CREATE TABLE metrics (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            training_id INTEGER,
            key TEXT NOT NULL,
            step INTEGER NOT NULL,
            value REAL,
            wall_time REAL NOT NULL,
            FOREIGN KEY (run_id, training_id)
                REFERENCES trainings (run_id, id) ON DELETE CASCADE
        );
        CREATE INDEX metrics_by_run_key ON metrics (run_id, key, step, wall_time);
        CREATE INDEX metrics_by_training_key ON metrics (training_id, key, step, wall_time);

        CREATE TABLE evaluations (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            source_index INTEGER NOT NULL,
            target_index INTEGER NOT NULL,
            episodes INTEGER NOT NULL CHECK (episodes >= 0),
            mean REAL,
            standard_deviation REAL,
            evaluated_at REAL NOT NULL,
            UNIQUE (run_id, source_index, target_index),
            FOREIGN KEY (run_id, source_index)
                REFERENCES contexts (run_id, context_index) ON DELETE CASCADE,
            FOREIGN KEY (run_id, target_index)
                REFERENCES contexts (run_id, context_index) ON DELETE CASCADE
        );
        CREATE INDEX evaluations_by_target ON evaluations (run_id, target_index);

        CREATE TABLE selection_steps (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            strategy TEXT NOT NULL,
            step INTEGER NOT NULL CHECK (step >= 0),
            chosen_index INTEGER NOT NULL,
            candidates TEXT NOT NULL CHECK (json_valid(candidates)),
            predicted_means TEXT NOT NULL CHECK (json_valid(predicted_means)),
            predicted_standard_deviations TEXT NOT NULL
                CHECK (json_valid(predicted_standard_deviations)),
            acquisition_values TEXT NOT NULL CHECK (json_valid(acquisition_values)),
            generalized_performance REAL,
            recorded_at REAL NOT NULL,
            UNIQUE (run_id, strategy, step),
            FOREIGN KEY (run_id, chosen_index)
                REFERENCES contexts (run_id, context_index) ON DELETE CASCADE
        );

        CREATE TABLE checkpoints (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            training_id INTEGER,
            name TEXT NOT NULL,
            data BLOB NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (run_id, name),
            FOREIGN KEY (run_id, training_id)
                REFERENCES trainings (run_id, id) ON DELETE CASCADE
        );
        CREATE INDEX checkpoints_by_training ON checkpoints (training_id);

        CREATE TABLE artifacts (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            path TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (run_id, path)
        );
        """
}
