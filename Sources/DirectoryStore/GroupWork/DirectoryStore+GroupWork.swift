import Foundation
import GRDB

/// Running the queued group work (``GroupWork``): the responder's background thread and
/// `scimsync sync` call these, so several processes share a queue without doing a job twice.
extension DirectoryStore {
    /// Whether any group work is queued (leased or not).
    public func hasGroupWork() throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM group_work)") ?? false }
    }

    /// Runs one batch of queued group work in one transaction, as `owner`: a job `owner` already
    /// holds, else one whose lease has passed (of app `appID` only, when given). The batch renews
    /// the lease, re-derives from the IdP view as it is now (so an IdP write that came after the
    /// job was queued is never undone), audits what it changed, and moves the job's cursor. It
    /// stops at ``groupBatchSize`` rows or once ``GroupWork/batchBudget`` has passed.
    /// Returns nil when there is nothing to claim. Leases are reckoned from `clock` (now, but for tests).
    public func runGroupWorkBatch(owner: String, appID: Int64? = nil, clock: Date? = nil) throws -> GroupWorkBatch? {
        var started = Date()
        let batch: GroupWorkBatch? = try write { db in
            started = Date()
            let now = (clock ?? started).timeIntervalSince1970
            guard
                let job = try Row.fetchOne(
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
            let pk: Int64 = job["group_pk"]
            let kind = GroupWork.Kind(rawValue: job["kind"]) ?? .rederive
            let deriver = try Deriver(db, appID: job["app_id"])
            let deadline = started.addingTimeInterval(GroupWork.batchBudget)
            var finished = false
            switch kind {
            case .release:
                if try deriver.releaseBatch(groupPK: pk, limit: groupBatchSize, deadline: deadline) {
                    try deriver.finishRelease(groupPK: pk)
                    finished = true
                }
            case .rederive:
                if let next = try deriver.rederiveBatch(groupPK: pk, after: job["cursor"], limit: groupBatchSize, deadline: deadline) {
                    try db.execute(sql: "UPDATE group_work SET cursor = ? WHERE group_pk = ? AND kind = ?", arguments: [next, pk, kind.rawValue])
                } else {
                    try deriver.finishRederive(groupPK: pk, id: job["id"])
                    try db.execute(sql: "DELETE FROM group_work WHERE group_pk = ? AND kind = ?", arguments: [pk, kind.rawValue])
                    finished = true
                }
            }
            if !finished {
                try db.execute(
                    sql: "UPDATE group_work SET lease_owner = ?, lease_until = ? WHERE group_pk = ? AND kind = ?",
                    arguments: [owner, now + GroupWork.leaseSeconds, pk, kind.rawValue]
                )
            }
            let operation = kind == .release ? "delete" : "rename"
            let target = "Group \(job["id"] as String) (\(job["display_name"] as String))"
            if let summary = deriver.auditSummary {
                let count = deriver.changes.count
                try AuditContext(appID: job["app_id"], appName: job["app_name"], requestID: job["request_id"]).record(
                    db,
                    operation: "group.\(operation).batch",
                    target: target,
                    detail: "\(count) change\(count == 1 ? "" : "s")\(finished ? ", the last batch" : ""); " + summary
                )
            } else if finished {
                try AuditContext(appID: job["app_id"], appName: job["app_name"], requestID: job["request_id"]).record(
                    db,
                    operation: "group.\(operation).batch",
                    target: target,
                    detail: "the last batch: nothing left to change"
                )
            }
            return GroupWorkBatch(
                groupID: job["id"],
                groupName: job["display_name"],
                operation: operation,
                seconds: 0,
                changes: deriver.changes,
                finished: finished
            )
        }
        guard var batch else { return nil }
        batch.seconds = Date().timeIntervalSince(started)
        return batch
    }

    /// Runs every claimable batch of queued group work (of app `appID` only, when given) and
    /// returns what they changed. Jobs another live process holds are left to it.
    public func finishGroupWork(owner: String, appID: Int64? = nil) throws -> [DirectoryChange] {
        var changes: [DirectoryChange] = []
        while let batch = try runGroupWorkBatch(owner: owner, appID: appID) {
            changes += batch.changes
        }
        return changes
    }
}
