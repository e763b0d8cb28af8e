import GRDB

/// Converts the memberships of a schema v3 database, whose origins were strings (`admin`,
/// `app:<id>:group:<IdP group pk>`, `app:<id>:default`, `app:<id>:new`), into v4's structural
/// origin columns, leaving out every orphan: an origin naming an app or IdP group that no longer
/// exists (app ids were reused, so such a row could pass to a new app), a member that is gone,
/// or a member of another directory than its group.
enum LegacyMembershipOrigins {
    static func convert(_ db: Database) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT m.group_id, m.member_kind, m.member_id, m.origin FROM dir_membership_v3 m
                JOIN dir_group g ON g.id = m.group_id
                WHERE (m.member_kind = 'user' AND m.member_id IN (SELECT id FROM dir_user WHERE directory_id = g.directory_id))
                   OR (m.member_kind = 'group' AND m.member_id IN (SELECT id FROM dir_group WHERE directory_id = g.directory_id))
                """
        )
        for row in rows {
            guard let origin = origin(row["origin"]), try exists(origin, db) else { continue }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO dir_membership (group_id, member_kind, member_id, rule, app_id, idp_group_pk)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [row["group_id"], row["member_kind"], row["member_id"], origin.rule.rawValue, origin.app, origin.idpGroup]
            )
        }
    }

    /// The origin a v3 string names, or nil when it is not one the v2 and v3 schemas wrote.
    static func origin(_ stored: String) -> MembershipOrigin? {
        if stored == "admin" { return .admin }
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "app", let app = Int64(parts[1]) else { return nil }
        switch (parts[2], parts.count) {
        case ("group", 4): return Int64(parts[3]).map { .idpGroup(app: app, groupPK: $0) }
        case ("default", 3): return .defaultGroup(app: app)
        case ("new", 3): return .newUserGroup(app: app)
        default: return nil
        }
    }

    private static func exists(_ origin: MembershipOrigin, _ db: Database) throws -> Bool {
        switch origin {
        case .admin:
            return true
        case .idpGroup(let app, let pk):
            return try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM scim_group WHERE pk = ? AND app_id = ?)",
                arguments: [pk, app]
            ) ?? false
        case .defaultGroup(let app), .newUserGroup(let app):
            return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM app WHERE id = ?)", arguments: [app]) ?? false
        }
    }
}
