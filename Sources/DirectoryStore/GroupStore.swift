import Foundation
import GRDB
import SCIM

/// A member of a group as responses show it.
public struct GroupMember: Sendable, Equatable {
    public var id: String
    public var type: String
    public var display: String?
}

/// The IdP view of groups. A group's JSON is kept without its members; members live one per row
/// in `scim_member`, so a member change costs the same in a group of 10 and of 200,000.
extension DirectoryStore {
    public func scimGroup(appID: Int64, id: String) throws -> StoredResource? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT id, resource, version, created_at, modified_at FROM scim_group WHERE id = ? AND app_id = ?
                """), arguments: [id, appID]).map { Self.resource($0, type: "Group") }
        }
    }

    public func scimGroups(appID: Int64, query: ListQuery) throws -> ResourcePage {
        try listResources(table: "scim_group", columns: FilterSQL.groups, appID: appID, query: query)
    }

    /// The members of a group, with the display name of each.
    public func scimGroupMembers(appID: Int64, groupID: String) throws -> [GroupMember] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT m.member_id, m.member_type, COALESCE(u.display_name, u.user_name, g.display_name) AS display
                FROM scim_group p
                JOIN scim_member m ON m.group_pk = p.pk
                LEFT JOIN scim_user u ON m.member_type = 'User' AND u.id = m.member_id
                LEFT JOIN scim_group g ON m.member_type = 'Group' AND g.id = m.member_id
                WHERE p.id = ? AND p.app_id = ?
                ORDER BY m.member_id
                """), arguments: [groupID, appID]).map {
                GroupMember(id: $0["member_id"], type: $0["member_type"], display: $0["display"])
            }
        }
    }

    /// The groups a user (or group) directly belongs to.
    public func scimGroups(appID: Int64, containing memberID: String) throws -> [GroupMember] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT g.id, g.display_name FROM scim_member m JOIN scim_group g ON g.pk = m.group_pk
                WHERE m.member_id = ? AND g.app_id = ? ORDER BY g.display_name_key
                """), arguments: [memberID, appID]).map {
                GroupMember(id: $0[0], type: "Group", display: $0[1])
            }
        }
    }

    public func createScimGroup(app: AuthenticatedApp, members: [MemberValue], audit: AuditContext,
                                build: (String) throws(ScimError) -> JSONObject) throws -> StoredResource {
        let id = UUIDv4.make()
        let resource = try build(id)
        let name = resource["displayName"]?.stringValue ?? ""
        let json = JSONWriter.serialize(.object(resource))
        return try write { db in
            try Self.checkGroupNameFree(db, appID: app.id, name: name, except: nil)
            let now = Timestamp.now()
            let directoryGroupID = try DirectoryView.syncGroup(db, app: app, name: name, linkedID: nil)
            try db.execute(sql: """
                INSERT INTO scim_group (app_id, id, display_name, display_name_key, external_id, resource, version,
                                        created_at, modified_at, directory_group_id)
                VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
                """, arguments: [app.id, id, name, name.nameKey, resource["externalId"]?.stringValue,
                                 String(decoding: json, as: UTF8.self), now, now, directoryGroupID])
            let group = GroupRow(pk: db.lastInsertedRowID, id: id, directoryGroupID: directoryGroupID)
            try Self.apply([.add(members)], to: group, app: app, db)
            try audit.record(db, operation: "group.create", target: "Group \(id) (\(name))",
                             detail: members.isEmpty ? nil : "\(members.count) members")
            return StoredResource(id: id, json: json, meta: ResourceMeta(resourceType: "Group", created: now, lastModified: now, version: 1))
        }
    }

    /// Applies member changes, then `transform` (if any) to the group's other attributes, in one transaction.
    public func updateScimGroup(app: AuthenticatedApp, id: String, ifMatch: String?, audit: AuditContext,
                                memberChanges: [MemberChange],
                                transform: ((JSONObject) throws(ScimError) -> JSONObject)?) throws -> StoredResource {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT pk, resource, version, created_at, modified_at, directory_group_id FROM scim_group WHERE app_id = ? AND id = ?
                """, arguments: [app.id, id]) else { throw ScimError.notFound("Group \(id) not found.") }
            let version: Int = row["version"]
            try Self.checkPrecondition(ifMatch, version: version)
            var group = GroupRow(pk: row["pk"], id: id, directoryGroupID: row["directory_group_id"])
            var json = Array((row["resource"] as String).utf8)
            var changed = try Self.apply(memberChanges, to: group, app: app, db)
            if let transform {
                let current = StoredResource.object(json)
                let resource = try transform(current)
                if resource != current {
                    let name = resource["displayName"]?.stringValue ?? ""
                    try Self.checkGroupNameFree(db, appID: app.id, name: name, except: group.pk)
                    group.directoryGroupID = try DirectoryView.syncGroup(db, app: app, name: name, linkedID: group.directoryGroupID)
                    json = JSONWriter.serialize(.object(resource))
                    try db.execute(sql: """
                        UPDATE scim_group SET display_name = ?, display_name_key = ?, external_id = ?, resource = ?,
                                              directory_group_id = ?
                        WHERE pk = ?
                        """, arguments: [name, name.nameKey, resource["externalId"]?.stringValue,
                                         String(decoding: json, as: UTF8.self), group.directoryGroupID, group.pk])
                    changed = true
                }
            }
            let created: String = row["created_at"]
            guard changed else {
                return StoredResource(id: id, json: json, meta: ResourceMeta(
                    resourceType: "Group", created: created, lastModified: row["modified_at"], version: version))
            }
            let now = Timestamp.now()
            try db.execute(sql: "UPDATE scim_group SET version = version + 1, modified_at = ? WHERE pk = ?", arguments: [now, group.pk])
            try audit.record(db, operation: "group.update", target: "Group \(id)", detail: Self.summary(memberChanges))
            return StoredResource(id: id, json: json, meta: ResourceMeta(resourceType: "Group", created: created, lastModified: now, version: version + 1))
        }
    }

    public func deleteScimGroup(app: AuthenticatedApp, id: String, ifMatch: String?, audit: AuditContext) throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT pk, display_name, version, directory_group_id FROM scim_group WHERE app_id = ? AND id = ?
                """, arguments: [app.id, id]) else { throw ScimError.notFound("Group \(id) not found.") }
            try Self.checkPrecondition(ifMatch, version: row["version"])
            try db.execute(sql: "DELETE FROM scim_member WHERE member_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM scim_group WHERE pk = ?", arguments: [row["pk"] as Int64])
            try DirectoryView.removeGroup(db, app: app, linkedID: row["directory_group_id"])
            try audit.record(db, operation: "group.delete", target: "Group \(id) (\(row["display_name"] as String))")
        }
    }

    // MARK: members

    struct GroupRow {
        var pk: Int64
        var id: String
        var directoryGroupID: Int64?
    }

    /// Applies member changes row by row; returns whether anything changed.
    @discardableResult
    private static func apply(_ changes: [MemberChange], to group: GroupRow, app: AuthenticatedApp, _ db: Database) throws -> Bool {
        var changed = false
        for change in changes {
            switch change {
            case .add(let members):
                for member in members {
                    let resolved = try resolve(member, in: group, app: app, db)
                    try db.execute(sql: "INSERT OR IGNORE INTO scim_member (group_pk, member_id, member_type) VALUES (?, ?, ?)",
                                   arguments: [group.pk, resolved.id, resolved.type])
                    if db.changesCount > 0 {
                        try DirectoryView.setMembership(db, app: app, groupID: group.directoryGroupID, member: resolved, present: true)
                        changed = true
                    }
                }
            case .remove(let ids):
                for id in ids {
                    changed = try removeMember(id, from: group, app: app, db) || changed
                }
            case .removeMatching(let filter):
                let evaluator = FilterEvaluator(resourceType: .group, parent: AttributePath(name: "members"))
                let rows = try Row.fetchAll(db, sql: "SELECT member_id, member_type FROM scim_member WHERE group_pk = ?", arguments: [group.pk])
                for row in rows {
                    let element = JSONObject([("value", .string(row["member_id"])), ("type", .string(row["member_type"]))])
                    if evaluator.matches(filter, element) {
                        changed = try removeMember(row["member_id"], from: group, app: app, db) || changed
                    }
                }
            case .removeAll:
                try db.execute(sql: "DELETE FROM scim_member WHERE group_pk = ?", arguments: [group.pk])
                changed = db.changesCount > 0 || changed
                try DirectoryView.clearMemberships(db, app: app, groupID: group.directoryGroupID)
            case .replace(let members):
                try apply([.removeAll, .add(members)], to: group, app: app, db)
                changed = true
            }
        }
        return changed
    }

    private static func removeMember(_ id: String, from group: GroupRow, app: AuthenticatedApp, _ db: Database) throws -> Bool {
        guard let type = try String.fetchOne(db, sql: "SELECT member_type FROM scim_member WHERE group_pk = ? AND member_id = ?",
                                             arguments: [group.pk, id]) else { return false }
        try db.execute(sql: "DELETE FROM scim_member WHERE group_pk = ? AND member_id = ?", arguments: [group.pk, id])
        let resolved = try? resolve(MemberValue(id: id, type: type), in: group, app: app, db)
        if let resolved {
            try DirectoryView.setMembership(db, app: app, groupID: group.directoryGroupID, member: resolved, present: false)
        }
        return true
    }

    /// Finds a member id among the app's users, then its groups; an unknown id is refused.
    private static func resolve(_ member: MemberValue, in group: GroupRow, app: AuthenticatedApp, _ db: Database) throws -> ResolvedMember {
        if member.type?.caseInsensitiveEquals("Group") != true,
           let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT directory_user_id FROM scim_user WHERE id = ? AND app_id = ?"),
                                      arguments: [member.id, app.id]) {
            return ResolvedMember(id: member.id, type: "User", directoryID: row["directory_user_id"])
        }
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT directory_group_id FROM scim_group WHERE id = ? AND app_id = ?"),
                                      arguments: [member.id, app.id]) {
            guard member.id != group.id else { throw ScimError.invalidValue("A group cannot be a member of itself.") }
            return ResolvedMember(id: member.id, type: "Group", directoryID: row["directory_group_id"])
        }
        throw ScimError.invalidValue("Member '\(member.id)' is neither a user nor a group of this app.")
    }

    private static func checkGroupNameFree(_ db: Database, appID: Int64, name: String, except pk: Int64?) throws {
        let holder = try Int64.fetchOne(db, sql: "SELECT pk FROM scim_group WHERE app_id = ? AND display_name_key = ?",
                                        arguments: [appID, name.nameKey])
        if let holder, holder != pk {
            throw ScimError.uniqueness("A group with displayName '\(name)' already exists.")
        }
    }

    private static func summary(_ changes: [MemberChange]) -> String? {
        guard !changes.isEmpty else { return nil }
        return changes.map { change in
            switch change {
            case .add(let members): "+\(members.count) members"
            case .remove(let ids): "-\(ids.count) members"
            case .removeMatching: "-members matching a filter"
            case .removeAll: "-all members"
            case .replace(let members): "members replaced by \(members.count)"
            }
        }.joined(separator: ", ")
    }
}
