import Foundation
import GRDB

extension Deriver {
    /// Removes up to `limit` of the memberships a deleted IdP group gave (fewer if `deadline` passes
    /// first), and up to `limit` of its member rows; returns whether none of either is left.
    func releaseBatch(groupPK: Int64, limit: Int, deadline: Date) throws -> Bool {
        var removed = 0
        var membershipsLeft = true
        repeat {
            let chunk = min(GroupWork.chunkSize, limit - removed)
            let existing = try memberships(
                sql: """
                    SELECT group_id, member_kind, member_id, \(MembershipOrigin.columns()) FROM dir_membership
                    WHERE idp_group_pk = ? AND app_id = ? LIMIT ?
                    """,
                [groupPK, appID, chunk]
            )
            try apply(desired: [], existing: existing)
            removed += existing.count
            membershipsLeft = existing.count == chunk
        } while removed < limit && membershipsLeft && Date() < deadline
        try db.execute(
            sql: """
                DELETE FROM scim_member
                WHERE group_pk = ? AND member_id IN (SELECT member_id FROM scim_member WHERE group_pk = ? LIMIT ?)
                """,
            arguments: [groupPK, groupPK, limit]
        )
        return !membershipsLeft && db.changesCount < limit
    }

    /// Deletes a released group's tombstone (its queue rows go with it), then the directory groups
    /// that nothing uses now (those of an older name too, when a rename was still queued).
    func finishRelease(groupPK: Int64) throws {
        try db.execute(sql: "DELETE FROM scim_group WHERE pk = ?", arguments: [groupPK])
        try removeUnusedGroupsOfApp()
    }

    /// Re-derives, from the current IdP view, up to `limit` user members of a renamed group whose
    /// SCIM ids sort after `cursor` (fewer if `deadline` passes first); returns the last id done,
    /// or nil when no member is left. A member the rules refuse is reported and left as it was.
    func rederiveBatch(groupPK: Int64, after cursor: String, limit: Int, deadline: Date) throws -> String? {
        let members = try Row.fetchAll(
            db,
            sql: """
                SELECT m.member_id, u.user_name FROM scim_member m JOIN scim_user u ON u.id = m.member_id AND u.app_id = ?
                WHERE m.group_pk = ? AND m.member_type = 'User' AND m.member_id > ? ORDER BY m.member_id LIMIT ?
                """,
            arguments: [appID, groupPK, cursor, limit]
        )
        for (index, member) in members.enumerated() {
            if let error = try refusal(of: { try deriveMembershipsOfUser(scimID: member["member_id"]) }) {
                record(.userRefused, user: member["user_name"], reason: error.detail)
            }
            if index < members.count - 1, Date() >= deadline { return member["member_id"] }
        }
        return members.count < limit ? nil : members.last?["member_id"]
    }

    /// After the last member of a renamed group: its nested memberships, those of the groups it is
    /// in, and the directory groups of its old name that nothing uses now.
    func finishRederive(groupPK: Int64, id: String) throws {
        try deriveGroup(pk: groupPK)
        try deriveParents(ofGroup: id)
        try removeUnusedGroupsOfApp()
    }

    /// Removes the directory groups this app created that nothing uses: after a queued job the
    /// names its group had along the way are not known, so every one of the app's is checked.
    private func removeUnusedGroupsOfApp() throws {
        try removeUnusedGroups(
            named: try String.fetchAll(
                db,
                sql: "SELECT name FROM dir_group WHERE origin_app_id = ? AND directory_id = ? ORDER BY name_key",
                arguments: [appID, directoryID]
            )
        )
    }
}
