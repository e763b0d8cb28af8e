import Foundation
import GRDB
import SCIM

/// The IdP view of users: each app's SCIM users, with the directory user each one derives.
///
/// Every write runs in one IMMEDIATE transaction that also updates the directory view and the
/// audit log, so a change is whole or absent, and read-modify-write cycles (PUT, PATCH) never
/// lose a concurrent update, even across processes.
extension DirectoryStore {
    public func scimUser(appID: Int64, id: String) throws -> StoredResource? {
        try read { db in try Self.scimUser(db, appID: appID, id: id) }
    }

    public func scimUsers(appID: Int64, query: ListQuery) throws -> ResourcePage {
        try listResources(table: .users, appID: appID, query: query)
    }

    /// Stores a new user made by `build` from its new id, and derives its directory user by the app's rules.
    public func createScimUser(
        app: AuthenticatedApp,
        audit: AuditContext,
        build: (String) throws -> JSONObject
    ) throws -> StoredResource {
        try createScimUser(app: app, audit: audit, prepared: try PreparedUser(build: build))
    }

    /// Stores the new user `prepared` made, and derives its directory user by the app's rules.
    public func createScimUser(app: AuthenticatedApp, audit: AuditContext, prepared: PreparedUser) throws -> StoredResource {
        let (id, resource, json) = (prepared.id, prepared.resource, prepared.json)
        let userName = resource["userName"]?.stringValue ?? ""
        return try auditedWrite(audit, "user.create", .text("User (\(userName))")) { db in
            try IdPViewError.checkSize(json, of: .user)
            try Self.checkNameFree(db, .user, appID: app.id, name: userName, except: nil)
            let now = Timestamp.now()
            try db.executeCached(
                sql: """
                    INSERT INTO scim_user (app_id, id, user_name, user_name_key, external_id, display_name, display_name_key,
                                           active, resource, version, created_at, modified_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                    """,
                arguments: [
                    app.id, id, userName, userName.nameKey, resource["externalId"]?.stringValue,
                    resource["displayName"]?.stringValue, resource["displayName"]?.stringValue?.nameKey,
                    resource["active"]?.boolValue ?? true, String(decoding: json, as: UTF8.self), now, now,
                ]
            )
            let pk = db.lastInsertedRowID
            try Self.indexEmails(db, pk: pk, resource: resource, replacing: false)
            let deriver = try Deriver(db, appID: app.id)
            try deriver.deriveUser(pk: pk, written: WrittenUser(id: id, resource: resource, directoryUserID: nil))
            try deriver.record(in: audit, operation: "user.create", target: "User \(id) (\(userName))")
            return StoredResource(id: id, json: json, meta: ResourceMeta(resourceType: "User", created: now, lastModified: now, version: 1))
        }
    }

    /// Replaces a user with what `transform` makes of the stored one (PUT and PATCH).
    ///
    /// `ifMatch` is the request's `If-Match`; a mismatch is 412 and nothing changes.
    public func updateScimUser(
        app: AuthenticatedApp,
        id: String,
        ifMatch: String?,
        audit: AuditContext,
        transform: (JSONObject) throws -> JSONObject
    ) throws -> StoredResource {
        try auditedWrite(audit, "user.update", .scimUser(appID: app.id, id: id)) { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT pk, resource, version, created_at, modified_at, directory_user_id FROM scim_user
                            WHERE app_id = ? AND id = ?
                            """
                    ),
                    arguments: [app.id, id]
                )
            else { throw IdPViewError.notFound(.user, id: id) }
            let version: Int = row["version"]
            try Self.checkPrecondition(ifMatch, version: version)
            let current = StoredResource.object(Array((row["resource"] as String).utf8))
            let resource = try transform(current)
            let json = JSONWriter.serialize(.object(resource))
            let pk: Int64 = row["pk"]
            let created: String = row["created_at"]
            if resource == current {
                return StoredResource(
                    id: id,
                    json: json,
                    meta: ResourceMeta(
                        resourceType: "User",
                        created: created,
                        lastModified: row["modified_at"],
                        version: version
                    )
                )
            }
            try IdPViewError.checkSize(json, of: .user)
            let userName = resource["userName"]?.stringValue ?? ""
            try Self.checkNameFree(db, .user, appID: app.id, name: userName, except: pk)
            let now = Timestamp.now()
            try db.executeCached(
                sql: """
                    UPDATE scim_user SET user_name = ?, user_name_key = ?, external_id = ?, display_name = ?, display_name_key = ?,
                                         active = ?, resource = ?, version = version + 1, modified_at = ?
                    WHERE pk = ?
                    """,
                arguments: [
                    userName, userName.nameKey, resource["externalId"]?.stringValue,
                    resource["displayName"]?.stringValue, resource["displayName"]?.stringValue?.nameKey,
                    resource["active"]?.boolValue ?? true, String(decoding: json, as: UTF8.self), now, pk,
                ]
            )
            try Self.indexEmails(db, pk: pk, resource: resource)
            let deriver = try Deriver(db, appID: app.id)
            try deriver.deriveUser(pk: pk, written: WrittenUser(id: id, resource: resource, directoryUserID: row["directory_user_id"]))
            try deriver.record(in: audit, operation: "user.update", target: "User \(id) (\(userName))")
            return StoredResource(
                id: id,
                json: json,
                meta: ResourceMeta(
                    resourceType: "User",
                    created: created,
                    lastModified: now,
                    version: version + 1
                )
            )
        }
    }

    public func deleteScimUser(app: AuthenticatedApp, id: String, ifMatch: String?, audit: AuditContext) throws {
        try auditedWrite(audit, "user.delete", .scimUser(appID: app.id, id: id)) { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT pk, user_name, version, directory_user_id FROM scim_user WHERE app_id = ? AND id = ?
                            """
                    ),
                    arguments: [app.id, id]
                )
            else { throw IdPViewError.notFound(.user, id: id) }
            try Self.checkPrecondition(ifMatch, version: row["version"])
            try db.executeCached(sql: "DELETE FROM scim_member WHERE member_id = ?", arguments: [id])
            try db.executeCached(sql: "DELETE FROM scim_user WHERE pk = ?", arguments: [row["pk"] as Int64])
            let deriver = try Deriver(db, appID: app.id)
            try deriver.releaseUser(directoryUserID: row["directory_user_id"])
            try deriver.record(in: audit, operation: "user.delete", target: "User \(id) (\(row["user_name"] as String))")
        }
    }

    // MARK: helpers

    static func scimUser(_ db: Database, appID: Int64, id: String) throws -> StoredResource? {
        let statement = try db.cachedStatement(
            sql: "SELECT id, resource, version, created_at, modified_at FROM scim_user WHERE id = ? AND app_id = ?"
        )
        try statement.bind([id, appID])
        return try statement.firstRow { resource($0, type: "User") }
    }

    /// Rewrites the user's rows in `scim_user_email` (folded, as `emails.value` is case-insensitive);
    /// a new user has none to replace.
    private static func indexEmails(_ db: Database, pk: Int64, resource: JSONObject, replacing: Bool = true) throws {
        if replacing { try db.executeCached(sql: "DELETE FROM scim_user_email WHERE user_pk = ?", arguments: [pk]) }
        let values = Set((resource["emails"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue?.nameKey })
        for value in values {
            try db.executeCached(sql: "INSERT INTO scim_user_email (value_key, user_pk) VALUES (?, ?)", arguments: [value, pk])
        }
    }

    /// Reads a row selected as `id, resource, version, created_at, modified_at`.
    static func resource(_ row: StatementRow, type: String) -> StoredResource {
        StoredResource(
            id: row.text(0),
            json: row.bytes(1),
            meta: ResourceMeta(resourceType: type, created: row.text(3), lastModified: row.text(4), version: Int(row.integer(2)))
        )
    }

    /// `If-Match` (RFC 7644 §3.14): `*` or one of the listed entity tags must be the current version.
    static func checkPrecondition(_ ifMatch: String?, version: Int) throws {
        guard let ifMatch else { return }
        let current = ResourceMeta(resourceType: "", created: "", lastModified: "", version: version).etag
        guard EntityTagList(ifMatch).matches(current) else {
            throw IdPViewError.versionMismatch(current: current)
        }
    }
}
