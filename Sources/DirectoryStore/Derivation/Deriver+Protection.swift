import GRDB
import SCIM
import SyncRules

/// What one derivation knows of its directory's protected groups.
struct ProtectionState {
    /// Whether the group of each folded name looked up so far is protected.
    var protectedByKey: [String: Bool] = [:]
    /// The (IdP group, directory group) pairs whose skip is already reported.
    var reported: Set<[String]> = []
}

extension Deriver {
    /// The directory groups an IdP group fills: those its rules give it, less the protected groups
    /// its own mapping row does not name. A protected group is the admin's: an IdP group reaches it
    /// only through an explicit manual mapping, never by its name (on the fly, imported unmapped or
    /// transformed). Each skip is reported once per derivation, so `sync` and the audit say why.
    func targets(ofIdPGroup name: String) throws -> [String] {
        var mapped: Set<String>?  // worked out only when a target is protected
        return try rules.groupSync.directoryGroups(forIdPGroup: name).filter { target in
            guard try isProtected(target) else { return true }
            let explicit = try mapped ?? Set(rules.groupSync.mappedDirectoryGroups(forIdPGroup: name).map(\.nameKey))
            mapped = explicit
            guard !explicit.contains(target.nameKey) else { return true }
            if protection.reported.insert([name.nameKey, target.nameKey]).inserted {
                record(.protectedGroupSkipped, group: target, origin: "IdP group \(name)")
            }
            return false
        }
    }

    /// Re-derives what this app gave the group `groupID`, which the admin has just protected: the
    /// memberships of its user members and the nested memberships of the IdP groups involved, so
    /// that only what the rules name explicitly stays (a mapping row naming the group, a default
    /// group). Memberships this app left in a directory it no longer provisions go at once.
    func rederiveForProtectedGroup(id groupID: Int64) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT m.group_id, m.member_kind, m.member_id, \(MembershipOrigin.columns("m")), g.directory_id
                FROM dir_membership m JOIN dir_group g ON g.id = m.group_id
                WHERE (m.group_id = ? OR (m.member_kind = 'group' AND m.member_id = ?)) AND m.app_id = ?
                ORDER BY m.member_kind, m.member_id, m.rule, m.idp_group_pk
                """,
            arguments: [groupID, groupID, appID]
        )
        let elsewhere = try rows.filter { $0["directory_id"] != directoryID }.map {
            Membership(groupID: $0["group_id"], memberKind: $0["member_kind"], memberID: $0["member_id"], origin: try MembershipOrigin(row: $0))
        }
        try apply(desired: [], existing: Set(elsewhere))
        var derivedUsers: Set<Int64> = []
        var derivedGroups: Set<Int64> = []
        for row in rows where row["directory_id"] == directoryID {
            let memberKind: String = row["member_kind"]
            if memberKind == "user" {
                guard derivedUsers.insert(row["member_id"]).inserted else { continue }
                for scimID in try String.fetchAll(
                    db,
                    sql: "SELECT id FROM scim_user WHERE directory_user_id = ? AND app_id = ?",
                    arguments: [row["member_id"], appID]
                ) {
                    try deriveMembershipsOfUser(scimID: scimID)
                }
            } else if let pk: Int64 = row["idp_group_pk"], derivedGroups.insert(pk).inserted {
                try deriveGroup(pk: pk)
            }
        }
    }

    /// Whether the directory group named `name` exists and is protected (one indexed lookup per
    /// name and derivation).
    private func isProtected(_ name: String) throws -> Bool {
        if let known = protection.protectedByKey[name.nameKey] { return known }
        let protected =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT protected FROM dir_group WHERE directory_id = ? AND name_key = ?"),
                arguments: [directoryID, name.nameKey]
            ) ?? false
        protection.protectedByKey[name.nameKey] = protected
        return protected
    }
}
