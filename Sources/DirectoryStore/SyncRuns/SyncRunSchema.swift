/// The durable record of the console's synchronizations (v11).
enum SyncRunSchema {
    /// One row per run: its progress is written in the transaction of the batch it counts, so the
    /// row is true after a crash too. Times are Unix seconds; `outcome` is NULL while it runs.
    static let v11 = """
        CREATE TABLE sync_run (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            app_id         INTEGER NOT NULL REFERENCES app(id) ON DELETE CASCADE,
            actor          TEXT NOT NULL,
            started_at     REAL NOT NULL,
            updated_at     REAL NOT NULL,
            users_total    INTEGER NOT NULL DEFAULT 0,
            users_done     INTEGER NOT NULL DEFAULT 0,
            phase          TEXT NOT NULL CHECK (phase IN ('queued', 'group-work', 'users', 'groups', 'finished')),
            finished_at    REAL,
            outcome        TEXT CHECK (outcome IN ('succeeded', 'failed', 'interrupted')),
            changes_count  INTEGER NOT NULL DEFAULT 0,
            changes_shown  TEXT NOT NULL DEFAULT '[]',
            error          TEXT
        );
        CREATE INDEX sync_run_app ON sync_run(app_id, finished_at);
        """
}
