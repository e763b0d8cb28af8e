import GRDB
import SCIM
import SyncRules

extension Deriver {
    /// Brings what one IdP group derives in line with the rules: its directory groups exist (even
    /// while it has no members), and its group members make group-in-group memberships.
    func deriveGroup(pk groupPK: Int64) throws {
        guard let name = try String.fetchOne(db.cachedStatement(sql: "SELECT display_name FROM scim_group WHERE pk = ?"), arguments: [groupPK]) else {
            return
        }
        let parents = try targets(ofIdPGroup: name)
        for target in parents { _ = try groupID(named: target) }
        let origin = MembershipOrigin.idpGroup(app: appID, groupPK: groupPK)
        let children = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT c.display_name FROM scim_member m JOIN scim_group c ON c.id = m.member_id AND c.app_id = ? AND c.deleted_at IS NULL
                    WHERE m.group_pk = ? AND m.member_type = 'Group'
                    """
            ),
            arguments: [appID, groupPK]
        )
        let childTargets = try children.flatMap { try targets(ofIdPGroup: $0) }
        let desired = Set(
            try MembershipPlanner.nesting(parentTargets: parents, childTargets: childTargets).map {
                Membership(groupID: try groupID(named: $0.parent), memberKind: "group", memberID: try groupID(named: $0.child), origin: origin)
            }
        )
        let existing = try memberships(
            sql: """
                SELECT group_id, member_kind, member_id, \(MembershipOrigin.columns()) FROM dir_membership
                WHERE idp_group_pk = ? AND app_id = ? AND member_kind = 'group'
                """,
            [groupPK, appID]
        )
        try apply(desired: desired, existing: existing)
    }

    /// Re-derives everything an IdP group takes part in, after its name changed: its user members'
    /// memberships, its group members, and the groups it is a member of.
    func deriveGroupEverywhere(pk: Int64, id: String) throws {
        let members = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT u.id, u.directory_user_id FROM scim_member m JOIN scim_user u ON u.id = m.member_id AND u.app_id = ?
                    WHERE m.group_pk = ? AND m.member_type = 'User' AND u.directory_user_id IS NOT NULL
                    """
            ),
            arguments: [appID, pk]
        )
        for member in members {
            guard try linkedUser(member["directory_user_id"]) != nil else { continue }
            try deriveMemberships(scimID: member["id"], directoryUserID: member["directory_user_id"], created: false)
        }
        try deriveGroup(pk: pk)
        try deriveParents(ofGroup: id)
    }

    /// Re-derives the nested memberships of the IdP groups `id` belongs to.
    func deriveParents(ofGroup id: String) throws {
        let parents = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT g.pk FROM scim_member m JOIN scim_group g ON g.pk = m.group_pk WHERE m.member_id = ? AND g.app_id = ? AND g.deleted_at IS NULL
                    """
            ),
            arguments: [id, appID]
        )
        for parent in parents { try deriveGroup(pk: parent) }
    }

    /// Removes every membership an IdP group made, after it is deleted.
    func releaseGroup(pk: Int64, name: String) throws {
        let existing = try memberships(
            sql: """
                SELECT group_id, member_kind, member_id, \(MembershipOrigin.columns()) FROM dir_membership
                WHERE idp_group_pk = ? AND app_id = ?
                """,
            [pk, appID]
        )
        try apply(desired: [], existing: existing)
        try removeUnusedGroups(named: rules.groupSync.directoryGroups(forIdPGroup: name), leaving: pk)
    }

    /// Deletes directory groups this app created on the fly that nothing uses any more: no members,
    /// not a member, not named by the rules (mapped or default groups stay), and derived from no
    /// IdP group the app still has (but `leaving`, which is being deleted).
    func removeUnusedGroups(named names: [String], leaving: Int64? = nil) throws {
        guard !names.isEmpty else { return }
        let remaining = try String.fetchAll(
            db.cachedStatement(sql: "SELECT display_name FROM scim_group WHERE app_id = ? AND pk IS NOT ? AND deleted_at IS NULL"),
            arguments: [appID, leaving]
        )
        for name in MembershipPlanner.unnamedGroups(names, rules: rules.groupSync, remainingIdPGroups: remaining) {
            try db.execute(
                sql: """
                    DELETE FROM dir_group WHERE directory_id = ? AND name_key = ? AND origin_app_id = ? AND \(Self.groupIsUnused)
                    """,
                arguments: [directoryID, name.nameKey, appID]
            )
            if db.changesCount > 0 { record(.groupDeleted, group: name) }
        }
    }

    /// SQL: the `dir_group` row has no members, is no member, and is not protected (a protected
    /// group is the admin's: deleting it would let the next IdP group of its name create it anew).
    static let groupIsUnused = """
        NOT EXISTS (SELECT 1 FROM dir_membership WHERE group_id = dir_group.id)
        AND NOT EXISTS (SELECT 1 FROM dir_membership WHERE member_kind = 'group' AND member_id = dir_group.id)
        AND dir_group.protected = 0
        """
}
