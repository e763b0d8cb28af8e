import GRDB
import SCIM
import SyncRules

extension Deriver {
    /// Brings the directory user of one SCIM user, and its memberships, in line with the rules.
    ///
    /// Throws a SCIM error (and changes nothing) when the rules refuse the user: its directory
    /// name comes out empty, is another user's of this app, or is a user the rules may not adopt.
    /// A leaver is the exception: when the IdP deactivates the user, its directory user is
    /// deactivated all the same, and the refusal of the rest is recorded instead of thrown.
    ///
    /// `written` is the user as its write just stored it, when the caller has it: else it is
    /// read back (and its resource parsed again) from `scim_user`.
    func deriveUser(pk: Int64, written: WrittenUser? = nil) throws {
        guard let refusal = try refusal(of: { try deriveWholeUser(pk: pk, written: written) }) else { return }
        guard let userName = try deactivatedLeaver(pk: pk) else { throw refusal }
        record(.userRefused, user: userName, reason: refusal.detail)
    }

    /// When the IdP says the user of `pk` is inactive and the rules follow it there, deactivates
    /// its linked directory user (if any) and returns its userName; nil otherwise.
    private func deactivatedLeaver(pk: Int64) throws -> String? {
        let rules = rules.userSync
        guard rules.followActive, rules.deactivateUsers,
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT user_name, active, directory_user_id FROM scim_user WHERE pk = ?"),
                arguments: [pk]
            ), !(row["active"] as Bool)
        else { return nil }
        if let user = try linkedUser(row["directory_user_id"]), user.fields.active {
            try db.executeCached(sql: "UPDATE dir_user SET active = 0, modified_at = ? WHERE id = ?", arguments: [Timestamp.now(), user.id])
            record(.userDeactivated, user: user.fields.username)
        }
        return row["user_name"]
    }

    private func deriveWholeUser(pk: Int64, written: WrittenUser?) throws {
        guard let user = try written ?? storedUser(pk: pk) else { return }
        let previous = user.directoryUserID
        let plan = try UserPlanner.plan(
            appID: appID,
            rules: rules.userSync,
            resource: user.resource,
            linked: try linkedUser(previous),
            state: UserState(deriver: self, scimPK: pk)
        )
        let directoryUserID: Int64
        switch plan {
        case .noUser:
            try link(pk, to: nil)
            try releaseUser(directoryUserID: previous)
            return
        case .create(let fields):
            directoryUserID = try insert(fields)
        case .update(let user, let fields, let takingOver):
            if takingOver {
                try db.executeCached(sql: "UPDATE dir_user SET origin_app_id = ? WHERE id = ?", arguments: [appID, user.id])
            }
            try update(user, to: fields)
            directoryUserID = user.id
        case .link(let user):
            directoryUserID = user.id
        }
        try link(pk, to: directoryUserID)
        if previous != directoryUserID { try releaseUser(directoryUserID: previous) }
        try deriveMemberships(scimID: user.id, directoryUserID: directoryUserID, created: plan.creates)
    }

    private func storedUser(pk: Int64) throws -> WrittenUser? {
        try db.firstCached(sql: "SELECT id, resource, directory_user_id FROM scim_user WHERE pk = ?", arguments: [pk]) { row in
            WrittenUser(id: row.text(0), resource: StoredResource.object(row.bytes(1)), directoryUserID: row.optionalInteger(2))
        }
    }

    /// What becomes of a directory user this app no longer links (its IdP user was deleted, or the
    /// app now provisions another directory): it loses every membership this app gave it, as the
    /// IdP no longer vouches for them, and nothing else; unless another SCIM user still links it,
    /// it is then deleted, or deactivated and kept, by the rules.
    func releaseUser(directoryUserID: Int64?) throws {
        guard let id = directoryUserID,
            let user = try db.firstCached(sql: Self.directoryUserSelect + " WHERE id = ?", arguments: [id], Self.directoryUser)
        else { return }
        try apply(desired: [], existing: try allMemberships(ofUser: user.id))
        let managedElsewhere =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM scim_user WHERE directory_user_id = ?)"),
                arguments: [user.id]
            ) ?? false
        guard !managedElsewhere else { return }
        switch rules.userSync.deleteOutcome {
        case .delete:
            // Its other memberships (the admin's) go with it, by trigger.
            try db.executeCached(sql: "DELETE FROM dir_user WHERE id = ?", arguments: [user.id])
            record(.userDeleted, user: user.fields.username)
        case .deactivate where user.fields.active:
            try db.executeCached(sql: "UPDATE dir_user SET active = 0, modified_at = ? WHERE id = ?", arguments: [Timestamp.now(), user.id])
            record(.userDeactivated, user: user.fields.username)
        case .deactivate, .keep:
            break
        }
    }

    /// The directory user `id`, if it is in the app's directory (after a directory change it is not).
    func linkedUser(_ id: Int64?) throws -> DirectoryUserRecord? {
        guard let id else { return nil }
        return try db.firstCached(
            sql: Self.directoryUserSelect + " WHERE id = ? AND directory_id = ?",
            arguments: [id, directoryID],
            Self.directoryUser
        )
    }

    private func insert(_ fields: DirectoryUserFields) throws -> Int64 {
        let now = Timestamp.now()
        try db.executeCached(
            sql: """
                INSERT INTO dir_user (directory_id, name, name_key, email, display_name, first_name, last_name, active,
                                      origin_app_id, created_at, modified_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                directoryID, fields.username, fields.username.nameKey, fields.email, fields.displayName,
                fields.firstName, fields.lastName, fields.active, appID, now, now,
            ]
        )
        record(.userCreated, user: fields.username)
        if !fields.active { record(.userDeactivated, user: fields.username) }
        return db.lastInsertedRowID
    }

    private func update(_ user: DirectoryUserRecord, to fields: DirectoryUserFields) throws {
        let changed = Self.changedFields(user.fields, fields)
        guard !changed.isEmpty || user.fields.active != fields.active else { return }
        try db.executeCached(
            sql: """
                UPDATE dir_user SET name = ?, name_key = ?, email = ?, display_name = ?, first_name = ?, last_name = ?,
                                    active = ?, modified_at = ?
                WHERE id = ?
                """,
            arguments: [
                fields.username, fields.username.nameKey, fields.email, fields.displayName,
                fields.firstName, fields.lastName, fields.active, Timestamp.now(), user.id,
            ]
        )
        if !changed.isEmpty { record(.userUpdated, user: fields.username, fields: changed) }
        if user.fields.active != fields.active { record(fields.active ? .userActivated : .userDeactivated, user: fields.username) }
    }

    private func link(_ pk: Int64, to directoryUserID: Int64?) throws {
        try db.executeCached(
            sql: "UPDATE scim_user SET directory_user_id = ? WHERE pk = ? AND directory_user_id IS NOT ?",
            arguments: [directoryUserID, pk, directoryUserID]
        )
    }

    private static func changedFields(_ old: DirectoryUserFields, _ new: DirectoryUserFields) -> [String] {
        var changed: [String] = []
        if old.username != new.username { changed.append("username") }
        if old.email != new.email { changed.append("email") }
        if old.displayName != new.displayName { changed.append("displayName") }
        if old.firstName != new.firstName { changed.append("firstName") }
        if old.lastName != new.lastName { changed.append("lastName") }
        return changed
    }

    static let directoryUserSelect = """
        SELECT id, name, email, display_name, first_name, last_name, active, origin_app_id FROM dir_user
        """

    /// Reads a row selected by ``directoryUserSelect``.
    static func directoryUser(_ row: StatementRow) -> DirectoryUserRecord {
        DirectoryUserRecord(
            id: row.integer(0),
            fields: DirectoryUserFields(
                username: row.text(1),
                email: row.optionalText(2),
                displayName: row.optionalText(3),
                firstName: row.optionalText(4),
                lastName: row.optionalText(5),
                active: row.integer(6) != 0
            ),
            ownerApp: row.optionalInteger(7)
        )
    }
}

/// A SCIM user as a write stored it: what its derivation starts from.
struct WrittenUser {
    var id: String
    var resource: JSONObject
    /// The directory user it linked before this write.
    var directoryUserID: Int64?
}
