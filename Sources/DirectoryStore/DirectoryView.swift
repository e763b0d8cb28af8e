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
            try db.execute(sql: "DELETE FROM dir_user WHERE id = ?", arguments: [linkedID])
        }
    }
}
