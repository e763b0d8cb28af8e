import GRDB
import SCIM
import SyncRules

/// One row of `dir_membership`.
struct Membership: Hashable {
    var groupID: Int64
    var memberKind: String
    var memberID: Int64
    var origin: MembershipOrigin
}

extension Deriver {
    /// Brings a user's memberships from this app in line with its IdP groups and default groups.
    ///
    /// Costs what the user's own groups cost, whatever the size of those groups. Memberships of
    /// other apps are never touched; the admin's only when the rules do not keep them.
    func deriveMemberships(scimID: String, directoryUserID: Int64, created: Bool) throws {
        let idpGroups = try db.allCached(
            sql: """
                SELECT g.pk, g.display_name FROM scim_member m JOIN scim_group g ON g.pk = m.group_pk
                WHERE m.member_id = ? AND g.app_id = ? AND g.deleted_at IS NULL
                """,
            arguments: [scimID, appID]
        ) { (pk: $0.integer(0), name: $0.text(1)) }
        let plan = try MembershipPlanner.user(idpGroups: idpGroups, created: created, rules: rules.groupSync, isProtected: isProtected)
        report(plan.skips)
        let held = try heldMemberships(ofUser: directoryUserID)
        let changes = MembershipPlanner.changes(plan, held: held.map(\.held))
        let stored = Dictionary(held.map { ($0.held, $0.row) }, uniquingKeysWith: { first, _ in first })
        try apply(
            removals: Set(changes.removals.compactMap { stored[$0] }),
            additions: Set(
                try changes.additions.map {
                    Membership(groupID: try groupID(named: $0.group), memberKind: "user", memberID: directoryUserID, origin: origin(of: $0.source))
                }
            )
        )
    }

    /// The user's memberships the planner weighs: every one this app made, and the admin's.
    private func heldMemberships(ofUser directoryUserID: Int64) throws -> [(held: HeldMembership, row: Membership)] {
        try db.allCached(
            sql: """
                SELECT m.group_id, \(MembershipOrigin.columns("m")), g.name, g.protected
                FROM dir_membership m JOIN dir_group g ON g.id = m.group_id
                WHERE m.member_kind = 'user' AND m.member_id = ? AND (m.app_id = ? OR m.rule = 'admin')
                """,
            arguments: [directoryUserID, appID]
        ) { row in
            let origin = try MembershipOrigin(rule: row.text(1), app: row.optionalInteger(2), idpGroup: row.optionalInteger(3))
            let membership = Membership(groupID: row.integer(0), memberKind: "user", memberID: directoryUserID, origin: origin)
            return (HeldMembership(group: row.text(4), origin: origin.held, groupIsProtected: row.integer(5) != 0), membership)
        }
    }

    /// The stored origin of a planned membership of this app.
    func origin(of source: MembershipSource) -> MembershipOrigin {
        switch source {
        case .idpGroup(let pk): .idpGroup(app: appID, groupPK: pk)
        case .defaultGroup: .defaultGroup(app: appID)
        case .newUserGroup: .newUserGroup(app: appID)
        }
    }

    /// Adds what is desired and missing, removes what exists and is no longer desired.
    func apply(desired: Set<Membership>, existing: Set<Membership>) throws {
        try apply(removals: existing.subtracting(desired), additions: desired.subtracting(existing))
    }

    /// Removes `removals`, then adds `additions` (refusing any that would close a cycle).
    func apply(removals: Set<Membership>, additions: Set<Membership>) throws {
        for membership in removals.sorted(by: Self.order) {
            try db.executeCached(
                sql: """
                    DELETE FROM dir_membership
                    WHERE group_id = ? AND member_kind = ? AND member_id = ? AND rule = ? AND app_id IS ? AND idp_group_pk IS ?
                    """,
                arguments: membership.arguments
            )
            try recordMembership(.membershipRemoved, membership)
        }
        for membership in additions.sorted(by: Self.order) {
            try refuseCycle(membership)
            try db.executeCached(
                sql: """
                    INSERT OR IGNORE INTO dir_membership (group_id, member_kind, member_id, rule, app_id, idp_group_pk)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: membership.arguments
            )
            if db.changesCount > 0 { try recordMembership(.membershipAdded, membership) }
        }
    }

    /// Refuses a group-in-group membership that would make a directory group contain itself.
    private func refuseCycle(_ membership: Membership) throws {
        guard membership.memberKind == "group",
            try GroupNesting.directoryCycle(db, parent: membership.groupID, child: membership.memberID)
        else { return }
        let names = try String.fetchAll(
            db.cachedStatement(sql: "SELECT name FROM dir_group WHERE id IN (?, ?) ORDER BY id = ? DESC"),
            arguments: [membership.groupID, membership.memberID, membership.groupID]
        )
        throw RuleRefusal(
            .unusableValue,
            "The rules would put directory group '\(names.last ?? "")' in '\(names.first ?? "")', which it already contains (directly or through other groups): a group cannot contain itself."
        )
    }

    /// Every membership of the user this app made, its one-time grants too: what goes when the
    /// app lets go of the user.
    func allMemberships(ofUser directoryUserID: Int64) throws -> Set<Membership> {
        try memberships(
            sql: """
                SELECT group_id, member_kind, member_id, \(MembershipOrigin.columns()) FROM dir_membership
                WHERE member_kind = 'user' AND member_id = ? AND app_id = ?
                """,
            [directoryUserID, appID]
        )
    }

    /// The memberships `sql` selects (`group_id, member_kind, member_id` and the origin columns).
    func memberships(sql: String, _ arguments: StatementArguments) throws -> Set<Membership> {
        Set(
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map {
                Membership(groupID: $0["group_id"], memberKind: $0["member_kind"], memberID: $0["member_id"], origin: try MembershipOrigin(row: $0))
            }
        )
    }

    /// The id of the app's directory group named `name`, created (and recorded as this app's) if
    /// missing. A group this app created takes the casing the IdP now writes (`Eng` → `ENG`).
    func groupID(named name: String) throws -> Int64 {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, name, origin_app_id, protected FROM dir_group WHERE directory_id = ? AND name_key = ?"),
            arguments: [directoryID, name.nameKey]
        ) {
            let id: Int64 = row["id"]
            if row["name"] != name, row["origin_app_id"] == appID, !(row["protected"] as Bool) {
                try db.executeCached(sql: "UPDATE dir_group SET name = ?, modified_at = ? WHERE id = ?", arguments: [name, Timestamp.now(), id])
                record(.groupRenamed, group: name, previous: row["name"])
            }
            return id
        }
        let now = Timestamp.now()
        try db.executeCached(
            sql: """
                INSERT INTO dir_group (directory_id, name, name_key, origin_app_id, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [directoryID, name, name.nameKey, appID, now, now]
        )
        record(.groupCreated, group: name)
        return db.lastInsertedRowID
    }

    private func recordMembership(_ kind: DirectoryChange.Kind, _ membership: Membership) throws {
        let group = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM dir_group WHERE id = ?"), arguments: [membership.groupID])
        let table = membership.memberKind == "group" ? "dir_group" : "dir_user"
        let member = try String.fetchOne(db, sql: "SELECT name FROM \(table) WHERE id = ?", arguments: [membership.memberID])
        record(
            kind,
            group: group,
            member: member,
            memberKind: membership.memberKind,
            origin: try membership.origin.describe(db, withApp: false)
        )
    }

    /// A stable order, so that changes print the same way every time.
    private static func order(_ a: Membership, _ b: Membership) -> Bool {
        (a.groupID, a.memberKind, a.memberID) != (b.groupID, b.memberKind, b.memberID)
            ? (a.groupID, a.memberKind, a.memberID) < (b.groupID, b.memberKind, b.memberID) : a.origin < b.origin
    }
}

extension Membership {
    /// The statement arguments of its six columns, in table order.
    var arguments: [any SQLArgument] {
        [groupID, memberKind, memberID, origin.rule.rawValue, origin.app, origin.idpGroup]
    }
}

extension Deriver {
    /// Re-derives the memberships of the app's SCIM user `scimID`, if it has a directory user.
    func deriveMembershipsOfUser(scimID: String) throws {
        guard
            let linked = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT directory_user_id FROM scim_user WHERE id = ? AND app_id = ?
                        """
                ),
                arguments: [scimID, appID]
            ), try linkedUser(linked) != nil
        else { return }
        try deriveMemberships(scimID: scimID, directoryUserID: linked, created: false)
    }
}
