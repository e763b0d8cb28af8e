import GRDB
import SCIM
import SyncRules

/// Keeps the directory users that apps' SCIM users derive, inside the caller's transaction.
enum DirectoryView {
    /// Creates or updates the directory user for `fields`; returns its id.
    ///
    /// A user not yet linked adopts an existing directory user of the same name (case-insensitive),
    /// else a new one is created. A rename onto another directory user's name is refused.
    static func sync(_ db: Database, app: AuthenticatedApp, fields: DirectoryUserFields, linkedID: Int64?) throws -> Int64 {
        let now = Timestamp.now()
        let holder = try Int64.fetchOne(db, sql: "SELECT id FROM dir_user WHERE directory_id = ? AND name_key = ?",
                                        arguments: [app.directoryID, fields.username.nameKey])
        let target = linkedID ?? holder
        if let holder, let linkedID, holder != linkedID {
            throw ScimError.uniqueness("The directory already has a user named '\(fields.username)'.")
        }
        guard let target else {
            try db.execute(sql: """
                INSERT INTO dir_user (directory_id, name, name_key, email, display_name, first_name, last_name, active,
                                      origin_app_id, created_at, modified_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [app.directoryID, fields.username, fields.username.nameKey, fields.email, fields.displayName,
                                 fields.firstName, fields.lastName, fields.active, app.id, now, now])
            return db.lastInsertedRowID
        }
        try db.execute(sql: """
            UPDATE dir_user SET name = ?, name_key = ?, email = ?, display_name = ?, first_name = ?, last_name = ?,
                                active = ?, modified_at = ?
            WHERE id = ?
            """, arguments: [fields.username, fields.username.nameKey, fields.email, fields.displayName,
                             fields.firstName, fields.lastName, fields.active, now, target])
        return target
    }

    /// Removes the directory user of a deleted SCIM user, unless another app's user still links to it.
    static func remove(_ db: Database, linkedID: Int64?) throws {
        guard let linkedID else { return }
        let stillLinked = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM scim_user WHERE directory_user_id = ?)",
                                            arguments: [linkedID]) ?? false
        if !stillLinked {
            try db.execute(sql: "DELETE FROM dir_membership WHERE member_kind = 'user' AND member_id = ?", arguments: [linkedID])
            try db.execute(sql: "DELETE FROM dir_user WHERE id = ?", arguments: [linkedID])
        }
    }

    /// Creates, adopts or renames the directory group a SCIM group derives; returns its id.
    static func syncGroup(_ db: Database, app: AuthenticatedApp, name: String, linkedID: Int64?) throws -> Int64 {
        let now = Timestamp.now()
        let holder = try Int64.fetchOne(db, sql: "SELECT id FROM dir_group WHERE directory_id = ? AND name_key = ?",
                                        arguments: [app.directoryID, name.nameKey])
        if let holder, let linkedID, holder != linkedID {
            throw ScimError.uniqueness("The directory already has a group named '\(name)'.")
        }
        guard let target = linkedID ?? holder else {
            try db.execute(sql: """
                INSERT INTO dir_group (directory_id, name, name_key, created_at, modified_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [app.directoryID, name, name.nameKey, now, now])
            return db.lastInsertedRowID
        }
        try db.execute(sql: "UPDATE dir_group SET name = ?, name_key = ?, modified_at = ? WHERE id = ?",
                       arguments: [name, name.nameKey, now, target])
        return target
    }

    /// Removes the directory group of a deleted SCIM group unless another SCIM group still links to it;
    /// otherwise only this app's memberships go.
    static func removeGroup(_ db: Database, app: AuthenticatedApp, linkedID: Int64?) throws {
        guard let linkedID else { return }
        let stillLinked = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM scim_group WHERE directory_group_id = ?)",
                                            arguments: [linkedID]) ?? false
        if stillLinked {
            try db.execute(sql: "DELETE FROM dir_membership WHERE group_id = ? AND origin = ?", arguments: [linkedID, origin(app)])
        } else {
            try db.execute(sql: "DELETE FROM dir_membership WHERE member_kind = 'group' AND member_id = ?", arguments: [linkedID])
            try db.execute(sql: "DELETE FROM dir_group WHERE id = ?", arguments: [linkedID])
        }
    }

    /// Adds or removes one derived membership, recorded as coming from `app`.
    static func setMembership(_ db: Database, app: AuthenticatedApp, groupID: Int64?, member: ResolvedMember, present: Bool) throws {
        guard let groupID, let memberID = member.directoryID else { return }
        if present {
            try db.execute(sql: """
                INSERT OR IGNORE INTO dir_membership (group_id, member_kind, member_id, origin) VALUES (?, ?, ?, ?)
                """, arguments: [groupID, member.kind, memberID, origin(app)])
        } else {
            try db.execute(sql: """
                DELETE FROM dir_membership WHERE group_id = ? AND member_kind = ? AND member_id = ? AND origin = ?
                """, arguments: [groupID, member.kind, memberID, origin(app)])
        }
    }

    /// Removes every membership of the group that `app` made.
    static func clearMemberships(_ db: Database, app: AuthenticatedApp, groupID: Int64?) throws {
        guard let groupID else { return }
        try db.execute(sql: "DELETE FROM dir_membership WHERE group_id = ? AND origin = ?", arguments: [groupID, origin(app)])
    }

    static func origin(_ app: AuthenticatedApp) -> String {
        "app:\(app.id)"
    }
}

/// A member id resolved within an app's IdP view, with the directory object it derives.
struct ResolvedMember {
    var id: String
    var type: String
    var directoryID: Int64?

    var kind: String { type == "Group" ? "group" : "user" }
}
