import Foundation
import GRDB

/// One row of `group_work` with what a batch needs of its group and app.
struct QueuedGroupJob {
    var groupPK: Int64
    var kind: GroupWork.Kind
    var cursor: String
    var requestID: String?
    var groupID: String
    var groupName: String
    var appID: Int64
    var appName: String

    /// "delete" or "rename": what the IdP did.
    var operation: String { kind == .release ? "delete" : "rename" }

    /// The job `owner` holds, else the oldest whose lease has passed (deletes first), of app `appID` when given.
    static func claimable(_ db: Database, owner: String, now: Double, appID: Int64?) throws -> QueuedGroupJob? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT w.group_pk, w.kind, w.cursor, w.request_id, g.id, g.display_name, g.app_id, a.name AS app_name
                    FROM group_work w JOIN scim_group g ON g.pk = w.group_pk JOIN app a ON a.id = g.app_id
                    WHERE (w.lease_owner = ? OR w.lease_until IS NULL OR w.lease_until < ?) AND (? IS NULL OR g.app_id = ?)
                    ORDER BY w.lease_owner IS ? DESC, w.kind = 'release' DESC, w.queued_at, w.group_pk LIMIT 1
                    """,
                arguments: [owner, now, appID, appID, owner]
            )
        else { return nil }
        guard let kind = GroupWork.Kind(rawValue: row["kind"]) else {
            throw StoreError.invalid("queued group work of an unknown kind '\(row["kind"] as String)'")
        }
        return QueuedGroupJob(
            groupPK: row["group_pk"],
            kind: kind,
            cursor: row["cursor"],
            requestID: row["request_id"],
            groupID: row["id"],
            groupName: row["display_name"],
            appID: row["app_id"],
            appName: row["app_name"]
        )
    }

    /// Does one batch of the job and moves its cursor; returns whether the job is done (its row gone).
    func runBatch(_ deriver: Deriver, limit: Int, deadline: Date) throws -> Bool {
        switch kind {
        case .release:
            guard try deriver.releaseBatch(groupPK: groupPK, limit: limit, deadline: deadline) else { return false }
            try deriver.finishRelease(groupPK: groupPK)
        case .rederive:
            if let next = try deriver.rederiveBatch(groupPK: groupPK, after: cursor, limit: limit, deadline: deadline) {
                try deriver.db.execute(
                    sql: "UPDATE group_work SET cursor = ? WHERE group_pk = ? AND kind = ?",
                    arguments: [next, groupPK, kind.rawValue]
                )
                return false
            }
            try deriver.finishRederive(groupPK: groupPK, id: groupID)
            try deriver.db.execute(sql: "DELETE FROM group_work WHERE group_pk = ? AND kind = ?", arguments: [groupPK, kind.rawValue])
        }
        return true
    }

    /// Audits a batch as the app's, under the request that queued it: what it changed, summarised,
    /// and whether it was the last (a batch that changed nothing and was not the last is not audited).
    func audit(_ db: Database, _ deriver: Deriver, finished: Bool) throws {
        let count = deriver.changes.count
        let detail: String
        if let summary = deriver.auditSummary {
            detail = "\(count) change\(count == 1 ? "" : "s")\(finished ? ", the last batch" : ""); " + summary
        } else if finished {
            detail = "the last batch: nothing left to change"
        } else {
            return
        }
        try AuditContext(appID: appID, appName: appName, requestID: requestID).record(
            db,
            operation: "group.\(operation).batch",
            target: "Group \(groupID) (\(groupName))",
            detail: detail,
            changes: deriver.changes
        )
    }
}
