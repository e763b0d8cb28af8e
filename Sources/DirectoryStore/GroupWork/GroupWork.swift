import Foundation
import GRDB

/// The directory work an IdP write to a large group leaves queued in `group_work`: releasing what a
/// deleted group gave, or re-deriving the members of a renamed one. The request changes the IdP view
/// and commits at once; the work then runs in batches of ``batchSize``, one transaction each, so no
/// batch holds the write lock for long, and a crash half-way resumes from the queue.
public enum GroupWork {
    /// What a queued job does to one IdP group.
    enum Kind: String {
        /// The group was deleted: its memberships and member rows go, then its tombstone.
        case release
        /// The group was renamed: its user members are re-derived after `cursor`, by member id.
        case rederive
    }

    /// The default of ``batchSize``: a rename re-derived about 0.3 ms per member on the shared
    /// 2-core benchmark machine (docs/BENCHMARKS.md), so a group of 250 is still done in its
    /// request within the 100 ms goal.
    public static let defaultBatchSize = 250

    /// Memberships (or members) one batch handles at most; a group with no more than this is handled
    /// in its request, as before. `$SCIMSYNC_GROUP_BATCH` sets it (1–100,000), for tests.
    public static let batchSize: Int =
        ProcessInfo.processInfo.environment["SCIMSYNC_GROUP_BATCH"].flatMap(Int.init).map { min(max($0, 1), 100_000) }
        ?? defaultBatchSize

    /// The work one batch does before it commits, whatever its count: with the commit, it holds
    /// the write lock well under the 100 ms goal on a slow or busy machine too.
    public static let batchBudget: TimeInterval = 0.05

    /// Memberships a release removes between two looks at the clock.
    static let chunkSize = 50

    /// How long a claim on a job lasts without a batch renewing it: after a crash, another process
    /// (or the restarted one) takes the job over once it has passed.
    public static let leaseSeconds: Double = 10

    /// Queues `kind` for the group, or restarts it from its first member if it is queued already
    /// (a second rename re-derives every member again, by the newest name).
    static func queue(_ db: Database, _ kind: Kind, groupPK: Int64, requestID: String?) throws {
        try db.execute(
            sql: """
                INSERT INTO group_work (group_pk, kind, cursor, request_id, queued_at) VALUES (?, ?, '', ?, ?)
                ON CONFLICT (group_pk, kind) DO UPDATE SET cursor = '', request_id = excluded.request_id
                """,
            arguments: [groupPK, kind.rawValue, requestID, Timestamp.now()]
        )
    }

    /// Whether the group has more than one batch of members, or gave more than one batch of memberships.
    static func isLarge(_ db: Database, groupPK: Int64, appID: Int64, batchSize: Int) throws -> Bool {
        let limit = batchSize + 1
        let members = try Int.fetchOne(
            db,
            sql: "SELECT count(*) FROM (SELECT 1 FROM scim_member WHERE group_pk = ? LIMIT ?)",
            arguments: [groupPK, limit]
        )
        let memberships = try Int.fetchOne(
            db,
            sql: "SELECT count(*) FROM (SELECT 1 FROM dir_membership WHERE idp_group_pk = ? AND app_id = ? LIMIT ?)",
            arguments: [groupPK, appID, limit]
        )
        return (members ?? 0) > batchSize || (memberships ?? 0) > batchSize
    }

    /// The audit note of a request that queued work.
    static func queuedNote(_ kind: Kind, batchSize: Int) -> String {
        switch kind {
        case .release: "directory: releasing the group's memberships queued (batches of \(batchSize))"
        case .rederive: "directory: re-deriving the group's members queued (batches of \(batchSize))"
        }
    }
}

/// What one batch of queued group work did, for the log and for `scimsync sync`.
public struct GroupWorkBatch: Sendable {
    /// The IdP group's SCIM id and name.
    public var groupID: String
    public var groupName: String
    /// "delete" or "rename".
    public var operation: String
    /// From the start of its transaction to its commit: how long it held the write lock.
    public var seconds: Double
    public var changes: [DirectoryChange]
    /// Whether the job is done (its queue row is gone).
    public var finished: Bool
}
