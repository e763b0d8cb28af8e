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
            guard let job = try QueuedGroupJob.claimable(db, owner: owner, now: now, appID: appID) else { return nil }
            let deriver = try Deriver(db, appID: job.appID)
            let finished = try job.runBatch(deriver, limit: groupBatchSize, deadline: started.addingTimeInterval(GroupWork.batchBudget))
            if !finished {
                try db.execute(
                    sql: "UPDATE group_work SET lease_owner = ?, lease_until = ? WHERE group_pk = ? AND kind = ?",
                    arguments: [owner, now + GroupWork.leaseSeconds, job.groupPK, job.kind.rawValue]
                )
            }
            try job.audit(db, deriver, finished: finished)
            return GroupWorkBatch(
                groupID: job.groupID,
                groupName: job.groupName,
                operation: job.operation,
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
