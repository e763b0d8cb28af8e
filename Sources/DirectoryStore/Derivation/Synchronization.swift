import Foundation
import GRDB
import SCIM
import SyncRules

extension DirectoryStore {
    /// How many SCIM users one committed transaction of a synchronization derives, so that IdP
    /// requests wait for the write lock briefly rather than for the whole run.
    /// `$SCIMSYNC_SYNC_BATCH` sets it (1–100,000), for tests.
    static let synchronizationBatch: Int =
        ProcessInfo.processInfo.environment["SCIMSYNC_SYNC_BATCH"].flatMap(Int.init).map { min(max($0, 1), 100_000) } ?? 500

    /// Re-derives the directory view of one app (or of every app) from its stored IdP view by its
    /// current rules, and returns the changes. Each committed batch that changes something is
    /// audited as `actor`'s. A real run first finishes the app's queued group work (``GroupWork``)
    /// that no live process holds. With `dryRun` the real run is made on a private copy of the
    /// database (see ``rehearsal(_:)``), so the changes are exactly what a real run would do, also
    /// for several apps sharing a directory, and nothing of the live database is locked or changed.
    public func synchronize(app name: String?, dryRun: Bool, by actor: AdminActor) throws -> [DirectoryChange] {
        if dryRun { return try rehearsal { try $0.synchronize(app: name, dryRun: false, by: actor) } }
        return try synchronizedApps(name).flatMap { appID in try synchronize(appID: appID, by: actor, progress: nil) }
    }

    /// One app's real run, recording its progress in `progress` if given.
    func synchronize(appID: Int64, by actor: AdminActor, progress: SyncProgress?) throws -> [DirectoryChange] {
        if let progress { try write { db in try progress.phase(db, .groupWork) } }
        let owner = "sync:\(UUIDv7.make())"
        var groupWork: [DirectoryChange] = []
        while let batch = try runGroupWorkBatch(owner: owner, appID: appID) {
            groupWork += batch.changes
            // However long the queued work, a live run's row stays fresh.
            if let progress { try write { db in try progress.phase(db, .groupWork) } }
        }
        return try deriveAllInBatches(appID: appID, by: actor, after: groupWork, progress: progress)
    }

    private func synchronizedApps(_ name: String?) throws -> [Int64] {
        try read { db in
            guard let name else { return try Int64.fetchAll(db, sql: "SELECT id FROM app ORDER BY name_key") }
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            return [app.id]
        }
    }

    /// Derives the users batch by batch, then the groups; `progress` is written in each batch's
    /// transaction, and the run's end with the last one.
    private func deriveAllInBatches(
        appID: Int64,
        by actor: AdminActor,
        after groupWork: [DirectoryChange],
        progress: SyncProgress?
    ) throws -> [DirectoryChange] {
        let users = try read { db in try Int64.fetchAll(db, sql: "SELECT pk FROM scim_user WHERE app_id = ? ORDER BY pk", arguments: [appID]) }
        if let progress { try write { db in try progress.phase(db, .users, usersTotal: users.count) } }
        var changes: [DirectoryChange] = []
        for start in stride(from: 0, to: users.count, by: Self.synchronizationBatch) {
            let end = min(start + Self.synchronizationBatch, users.count)
            changes += try write { db in
                let deriver = try Deriver(db, appID: appID)
                try deriver.deriveUsers(Array(users[start..<end]))
                try deriver.recordSynchronization(by: actor)
                try progress?.usersDone(db, end)
                return deriver.changes
            }
        }
        if let progress { try write { db in try progress.phase(db, .groups) } }
        return try write { db in
            let deriver = try Deriver(db, appID: appID)
            try deriver.deriveGroups()
            try deriver.recordSynchronization(by: actor)
            let all = groupWork + Self.skipsReportedOnce(changes + deriver.changes)
            try progress?.finish(db, all)
            return all
        }
    }

    /// The changes with each protected-group skip once: every batch reports the skips it meets.
    private static func skipsReportedOnce(_ changes: [DirectoryChange]) -> [DirectoryChange] {
        var seen: Set<String> = []
        return changes.filter { $0.change != .protectedGroupSkipped || seen.insert($0.summary).inserted }
    }
}

extension Deriver {
    /// Audits what a synchronization changed, in its transaction (nothing when nothing changed).
    func recordSynchronization(by actor: AdminActor) throws {
        guard let summary = auditSummary else { return }
        try AuditContext(actor, appID: appID, appName: appName).record(
            db,
            operation: "sync",
            target: "App \(appName)",
            detail: "\(changes.count) change\(changes.count == 1 ? "" : "s"); " + summary,
            changes: changes
        )
    }

    /// Derives each user; a user the rules refuse is reported and left as it was.
    func deriveUsers(_ pks: [Int64]) throws {
        for pk in pks {
            if let error = try refusal(of: { try deriveUser(pk: pk) }) {
                let userName = try String.fetchOne(db, sql: "SELECT user_name FROM scim_user WHERE pk = ?", arguments: [pk])
                record(.userRefused, user: userName, reason: error.detail)
            }
        }
    }

    /// Derives the nested memberships of every IdP group (a group the rules refuse is reported and
    /// left as it was), drops this app's memberships left in another directory (after the app
    /// moved), and removes groups it created that nothing uses.
    func deriveGroups() throws {
        for pk in try Int64.fetchAll(db, sql: "SELECT pk FROM scim_group WHERE app_id = ? AND deleted_at IS NULL ORDER BY pk", arguments: [appID]) {
            if let error = try refusal(of: { try deriveGroup(pk: pk) }) {
                let name = try String.fetchOne(db, sql: "SELECT display_name FROM scim_group WHERE pk = ?", arguments: [pk])
                record(.groupRefused, group: name, reason: error.detail)
            }
        }
        let elsewhere = try memberships(
            sql: """
                SELECT m.group_id, m.member_kind, m.member_id, \(MembershipOrigin.columns("m"))
                FROM dir_membership m JOIN dir_group g ON g.id = m.group_id
                WHERE m.app_id = ? AND g.directory_id != ?
                """,
            [appID, directoryID]
        )
        try apply(desired: [], existing: elsewhere)
        try removeUnusedGroups(
            named: try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM dir_group WHERE origin_app_id = ? AND directory_id = ? ORDER BY name_key
                    """,
                arguments: [appID, directoryID]
            )
        )
        try removeGroupsLeftElsewhere()
    }

    /// Deletes the empty groups this app created in a directory it no longer provisions.
    private func removeGroupsLeftElsewhere() throws {
        let left = try String.fetchAll(
            db,
            sql: """
                DELETE FROM dir_group WHERE origin_app_id = ? AND directory_id != ? AND \(Self.groupIsUnused) RETURNING name
                """,
            arguments: [appID, directoryID]
        )
        for name in left.sorted(by: { $0.nameKey < $1.nameKey }) { record(.groupDeleted, group: name) }
    }
}
