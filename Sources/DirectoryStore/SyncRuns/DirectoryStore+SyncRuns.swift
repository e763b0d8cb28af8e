import Foundation
import GRDB

/// What ``DirectoryStore/startSyncRun(app:by:)`` did.
public enum SyncRunStart: Sendable, Equatable {
    /// A new run is recorded; run it with ``DirectoryStore/synchronize(run:by:)``.
    case started(SyncRun)
    /// The app already has a run going: this one (nothing new is recorded).
    case alreadyRunning(SyncRun)
}

extension DirectoryStore {
    /// The most change summaries a run keeps for its page (the audit keeps every change).
    public static let syncRunChangesKept = 500

    /// Records a new run of `app` unless one is going, in one write transaction, so that of two
    /// processes asked at once only one starts. An unfinished run quiet for ``SyncRun/staleAfter``
    /// is marked interrupted first.
    public func startSyncRun(app name: String, by actor: AdminActor) throws -> SyncRunStart {
        try write { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            let now = Date().timeIntervalSince1970
            try db.execute(
                sql: """
                    UPDATE sync_run SET outcome = 'interrupted', finished_at = ?
                    WHERE app_id = ? AND finished_at IS NULL AND updated_at < ?
                    """,
                arguments: [now, app.id, now - SyncRun.staleAfter]
            )
            if let running = try Self.syncRun(db, sql: "WHERE app_id = ? AND finished_at IS NULL", [app.id]) {
                return .alreadyRunning(running)
            }
            try db.execute(
                sql: """
                    INSERT INTO sync_run (app_id, actor, started_at, updated_at, users_total, phase)
                    VALUES (?, ?, ?, ?, (SELECT count(*) FROM scim_user WHERE app_id = ?), 'queued')
                    """,
                arguments: [app.id, actor.name, now, now, app.id]
            )
            guard let run = try Self.syncRun(db, sql: "WHERE id = ?", [db.lastInsertedRowID]) else {
                throw StoreError.notFound("sync run")
            }
            return .started(run)
        }
    }

    /// The run `id` of the app `name`, or nil.
    public func syncRun(id: Int64, app name: String) throws -> SyncRun? {
        try read { db in
            guard let app = try Self.app(db, named: name) else { return nil }
            return try Self.syncRun(db, sql: "WHERE id = ? AND app_id = ?", [id, app.id])
        }
    }

    /// Synchronizes the run's app (as ``synchronize(app:dryRun:by:)``), recording its progress in
    /// the run: every batch in its own transaction, the end with the last one. A failure is
    /// recorded as the run's outcome, then thrown.
    @discardableResult
    public func synchronize(run: SyncRun, by actor: AdminActor) throws -> [DirectoryChange] {
        let progress = SyncProgress(runID: run.id)
        do {
            return try synchronize(appID: run.appID, by: actor, progress: progress)
        } catch {
            try? write { db in try progress.fail(db, error) }
            throw error
        }
    }

    private static func syncRun(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> SyncRun? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, app_id, actor, started_at, updated_at, users_total, users_done, phase, finished_at,
                           outcome, changes_count, changes_shown, error
                    FROM sync_run \(sql) ORDER BY id DESC LIMIT 1
                    """,
                arguments: arguments
            )
        else { return nil }
        let shown = (row["changes_shown"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        return SyncRun(
            id: row["id"],
            appID: row["app_id"],
            actor: row["actor"],
            startedAt: row["started_at"],
            updatedAt: row["updated_at"],
            usersTotal: row["users_total"],
            usersDone: row["users_done"],
            phase: SyncRun.Phase(rawValue: row["phase"]) ?? .queued,
            finishedAt: row["finished_at"],
            outcome: (row["outcome"] as String?).flatMap(SyncRun.Outcome.init(rawValue:)),
            changesCount: row["changes_count"],
            changesShown: shown ?? [],
            error: row["error"]
        )
    }
}

/// Where a synchronization records its progress: the `sync_run` row, written in the transaction
/// of the work it counts.
struct SyncProgress {
    let runID: Int64

    func phase(_ db: Database, _ phase: SyncRun.Phase, usersTotal: Int? = nil) throws {
        try db.execute(
            sql: "UPDATE sync_run SET phase = ?, users_total = coalesce(?, users_total), updated_at = ? WHERE id = ?",
            arguments: [phase.rawValue, usersTotal, Date().timeIntervalSince1970, runID]
        )
    }

    func usersDone(_ db: Database, _ done: Int) throws {
        try db.execute(
            sql: "UPDATE sync_run SET users_done = ?, updated_at = ? WHERE id = ?",
            arguments: [done, Date().timeIntervalSince1970, runID]
        )
    }

    func finish(_ db: Database, _ changes: [DirectoryChange]) throws {
        let shown = changes.prefix(DirectoryStore.syncRunChangesKept).map(\.summary)
        let now = Date().timeIntervalSince1970
        try db.execute(
            sql: """
                UPDATE sync_run SET phase = 'finished', outcome = 'succeeded', finished_at = ?, updated_at = ?,
                    changes_count = ?, changes_shown = ? WHERE id = ?
                """,
            arguments: [now, now, changes.count, String(decoding: try JSONEncoder().encode(Array(shown)), as: UTF8.self), runID]
        )
    }

    func fail(_ db: Database, _ error: any Error) throws {
        let now = Date().timeIntervalSince1970
        try db.execute(
            sql: """
                UPDATE sync_run SET phase = 'finished', outcome = 'failed', finished_at = ?, updated_at = ?, error = ?
                WHERE id = ? AND finished_at IS NULL
                """,
            arguments: [now, now, "\(error)", runID]
        )
    }
}
