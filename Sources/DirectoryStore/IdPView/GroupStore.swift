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
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id, resource, version, created_at, modified_at FROM scim_group
                    WHERE id = ? AND app_id = ? AND deleted_at IS NULL
                    """
            )
            try statement.bind([id, appID])
            return try statement.firstRow { Self.resource($0, type: "Group") }
        }
    }

    public func scimGroups(appID: Int64, query: ListQuery) throws -> ResourcePage {
        try listResources(table: .groups, appID: appID, query: query)
    }

    /// The members of a group, each with the `display` its IdP wrote (none if it wrote none).
    public func scimGroupMembers(appID: Int64, groupID: String) throws -> [GroupMember] {
        var members: [GroupMember] = []
        try forEachScimGroupMember(appID: appID, groupID: groupID) { members.append($0) }
        return members
    }

    /// Whether the group has more than `count` members (counting no further than that).
    public func scimGroupHasMoreMembers(appID: Int64, groupID: String, than count: Int) throws -> Bool {
        try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT count(*) FROM (
                        SELECT 1 FROM scim_group p JOIN scim_member m ON m.group_pk = p.pk
                        WHERE p.id = ? AND p.app_id = ? AND p.deleted_at IS NULL LIMIT ?
                    )
                    """
            )
            try statement.bind([groupID, appID, count + 1])
            return try statement.firstRow { $0.integer(0) > Int64(count) } ?? false
        }
    }

    /// Calls `body` with each member of the group, in the order ``scimGroupMembers(appID:groupID:)``
    /// gives, one row at a time: a 200,000-member group is never held whole.
    public func forEachScimGroupMember(appID: Int64, groupID: String, _ body: (GroupMember) throws -> Void) throws {
        try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT m.member_id, m.member_type, m.display
                    FROM scim_group p
                    JOIN scim_member m ON m.group_pk = p.pk
                    WHERE p.id = ? AND p.app_id = ? AND p.deleted_at IS NULL
                    ORDER BY m.member_id
                    """
            )
            try statement.bind([groupID, appID])
            try statement.forEachRow { row in
                try body(GroupMember(id: row.text(0), type: row.text(1), display: row.optionalText(2)))
            }
        }
    }

    /// The groups a user (or group) directly belongs to.
    public func scimGroups(appID: Int64, containing memberID: String) throws -> [GroupMember] {
        try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT g.id, g.display_name FROM scim_member m JOIN scim_group g ON g.pk = m.group_pk
                    WHERE m.member_id = ? AND g.app_id = ? AND g.deleted_at IS NULL ORDER BY g.display_name_key
                    """
            )
            try statement.bind([memberID, appID])
            var groups: [GroupMember] = []
            try statement.forEachRow { groups.append(GroupMember(id: $0.text(0), type: "Group", display: $0.optionalText(1))) }
            return groups
        }
    }

    /// The groups each of `memberIDs` directly belongs to, in one query (a page of users asks
    /// once, not once per user); a member of no group has no entry.
    public func scimGroups(appID: Int64, containingEach memberIDs: [String]) throws -> [String: [GroupMember]] {
        guard !memberIDs.isEmpty else { return [:] }
        // A filter's page of one user (`userName eq …`): the one-member query, without json_each.
        if memberIDs.count == 1 {
            let groups = try scimGroups(appID: appID, containing: memberIDs[0])
            return groups.isEmpty ? [:] : [memberIDs[0]: groups]
        }
        let ids = String(decoding: JSONWriter.serialize(.array(memberIDs.map { .string($0) })), as: UTF8.self)
        return try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT m.member_id, g.id, g.display_name
                    FROM json_each(?) j JOIN scim_member m ON m.member_id = j.value JOIN scim_group g ON g.pk = m.group_pk
                    WHERE g.app_id = ? AND g.deleted_at IS NULL ORDER BY m.member_id, g.display_name_key
                    """
            )
            try statement.bind([ids, appID])
            var groups: [String: [GroupMember]] = [:]
            try statement.forEachRow { row in
                groups[row.text(0), default: []].append(GroupMember(id: row.text(1), type: "Group", display: row.optionalText(2)))
            }
            return groups
        }
    }

    public func createScimGroup(
        app: AuthenticatedApp,
        members: [MemberValue],
        audit: AuditContext,
        build: (String) throws -> JSONObject
    ) throws -> StoredResource {
        let id = UUIDv7.make()
        let resource = try build(id)
        let name = resource["displayName"]?.stringValue ?? ""
        let json = JSONWriter.serialize(.object(resource))
        return try auditedWrite(audit, "group.create", .text("Group (\(name))")) { db in
            try IdPViewError.checkSize(json, of: .group)
            try Self.checkNameFree(db, .group, appID: app.id, name: name, except: nil)
            let now = Timestamp.now()
            try db.executeCached(
                sql: """
                    INSERT INTO scim_group (app_id, id, display_name, display_name_key, external_id, resource, version,
                                            created_at, modified_at)
                    VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                    """,
                arguments: [
                    app.id, id, name, name.nameKey, resource["externalId"]?.stringValue,
                    String(decoding: json, as: UTF8.self), now, now,
                ]
            )
            let group = GroupRow(pk: db.lastInsertedRowID, id: id)
            let deriver = try Deriver(db, appID: app.id)
            var affected = AffectedMembers()
            try Self.apply([.add(members)], to: group, app: app, db, &affected)
            _ = try affected.derive(deriver, group: group, batchSize: groupBatchSize, requestID: audit.requestID)
            if !affected.groupsChanged { try deriver.deriveGroup(pk: group.pk) }
            try deriver.record(
                in: audit,
                operation: "group.create",
                target: "Group \(id) (\(name))",
                before: members.isEmpty ? nil : Self.count(members.count, "member")
            )
            return StoredResource(id: id, json: json, meta: ResourceMeta(resourceType: "Group", created: now, lastModified: now, version: 1))
        }
    }

    /// Applies member changes, then `transform` (if any) to the group's other attributes, in one
    /// transaction, and derives what they change in the directory.
    public func updateScimGroup(
        app: AuthenticatedApp,
        id: String,
        ifMatch: String?,
        audit: AuditContext,
        memberChanges: [MemberChange],
        transform: ((JSONObject) throws -> JSONObject)?
    ) throws -> StoredResource {
        try auditedWrite(audit, "group.update", .text("Group \(id)")) { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT pk, resource, version, created_at, modified_at FROM scim_group
                            WHERE app_id = ? AND id = ? AND deleted_at IS NULL
                            """
                    ),
                    arguments: [app.id, id]
                )
            else { throw IdPViewError.notFound(.group, id: id) }
            let version: Int = row["version"]
            try Self.checkPrecondition(ifMatch, version: version)
            let group = GroupRow(pk: row["pk"], id: id)
            var json = Array((row["resource"] as String).utf8)
            var affected = AffectedMembers()
            var changed = try Self.apply(memberChanges, to: group, app: app, db, &affected)
            if let transform {
                let current = StoredResource.object(json)
                let resource = try transform(current)
                if resource != current {
                    let name = resource["displayName"]?.stringValue ?? ""
                    try Self.checkNameFree(db, .group, appID: app.id, name: name, except: group.pk)
                    affected.renamedFrom = current["displayName"]?.stringValue.flatMap { $0 == name ? nil : $0 }
                    json = JSONWriter.serialize(.object(resource))
                    try IdPViewError.checkSize(json, of: .group)
                    try db.executeCached(
                        sql: """
                            UPDATE scim_group SET display_name = ?, display_name_key = ?, external_id = ?, resource = ? WHERE pk = ?
                            """,
                        arguments: [
                            name, name.nameKey, resource["externalId"]?.stringValue,
                            String(decoding: json, as: UTF8.self), group.pk,
                        ]
                    )
                    changed = true
                }
            }
            let created: String = row["created_at"]
            guard changed else {
                return StoredResource(
                    id: id,
                    json: json,
                    meta: ResourceMeta(
                        resourceType: "Group",
                        created: created,
                        lastModified: row["modified_at"],
                        version: version
                    )
                )
            }
            let deriver = try Deriver(db, appID: app.id)
            let queued = try affected.derive(deriver, group: group, batchSize: groupBatchSize, requestID: audit.requestID)
            let now = Timestamp.now()
            try db.executeCached(sql: "UPDATE scim_group SET version = version + 1, modified_at = ? WHERE pk = ?", arguments: [now, group.pk])
            try deriver.record(
                in: audit,
                operation: "group.update",
                target: "Group \(id)",
                before: Self.summary(memberChanges),
                after: queued ? GroupWork.queuedNote(.rederive, batchSize: groupBatchSize) : nil
            )
            return StoredResource(
                id: id,
                json: json,
                meta: ResourceMeta(resourceType: "Group", created: created, lastModified: now, version: version + 1)
            )
        }
    }

    public func deleteScimGroup(app: AuthenticatedApp, id: String, ifMatch: String?, audit: AuditContext) throws {
        try auditedWrite(audit, "group.delete", .text("Group \(id)")) { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT pk, display_name, version FROM scim_group WHERE app_id = ? AND id = ? AND deleted_at IS NULL
                            """
                    ),
                    arguments: [app.id, id]
                )
            else { throw IdPViewError.notFound(.group, id: id) }
            try Self.checkPrecondition(ifMatch, version: row["version"])
            let pk: Int64 = row["pk"]
            let deriver = try Deriver(db, appID: app.id)
            let parents = try Int64.fetchAll(db.cachedStatement(sql: "SELECT group_pk FROM scim_member WHERE member_id = ?"), arguments: [id])
            try db.executeCached(sql: "DELETE FROM scim_member WHERE member_id = ?", arguments: [id])
            for parent in parents { try deriver.deriveGroup(pk: parent) }
            var queued: String?
            if try GroupWork.isLarge(db, groupPK: pk, appID: app.id, batchSize: groupBatchSize) {
                // A tombstone until the batches have released what the group gave: deleting the row
                // now would cascade to every membership in this one transaction.
                try db.executeCached(sql: "UPDATE scim_group SET deleted_at = ? WHERE pk = ?", arguments: [Timestamp.now(), pk])
                try db.executeCached(sql: "DELETE FROM group_work WHERE group_pk = ? AND kind = 'rederive'", arguments: [pk])
                try GroupWork.queue(db, .release, groupPK: pk, requestID: audit.requestID)
                queued = GroupWork.queuedNote(.release, batchSize: groupBatchSize)
            } else {
                try deriver.releaseGroup(pk: pk, name: row["display_name"])
                try db.executeCached(sql: "DELETE FROM scim_group WHERE pk = ?", arguments: [pk])
            }
            try deriver.record(in: audit, operation: "group.delete", target: "Group \(id) (\(row["display_name"] as String))", after: queued)
        }
    }

    // MARK: members

    struct GroupRow {
        var pk: Int64
        var id: String
    }

    /// Applies member changes row by row, noting whose directory memberships they touch;
    /// returns whether anything changed.
    @discardableResult
    private static func apply(
        _ changes: [MemberChange],
        to group: GroupRow,
        app: AuthenticatedApp,
        _ db: Database,
        _ affected: inout AffectedMembers
    ) throws -> Bool {
        var changed = false
        for change in changes {
            switch change {
            case .add(let members):
                for member in members {
                    let resolved = try resolve(member, in: group, app: app, db)
                    try db.executeCached(
                        sql: "INSERT OR IGNORE INTO scim_member (group_pk, member_id, member_type, display) VALUES (?, ?, ?, ?)",
                        arguments: [group.pk, resolved.id, resolved.type, member.display]
                    )
                    if db.changesCount > 0 {
                        affected.insert(resolved)
                        changed = true
                    } else {
                        changed = try rewriteDisplay(of: resolved.id, in: group, to: member.display, db) || changed
                    }
                }
            case .remove(let ids):
                for id in ids {
                    changed = try removeMember(id, from: group, db, &affected) || changed
                }
            case .removeMatching(let filter):
                let evaluator = FilterEvaluator(resourceType: .group, parent: AttributePath(name: "members"))
                let rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT member_id, member_type FROM scim_member WHERE group_pk = ?"),
                    arguments: [group.pk]
                )
                for row in rows {
                    let element = JSONObject([("value", .string(row["member_id"])), ("type", .string(row["member_type"]))])
                    if evaluator.matches(filter, element) {
                        changed = try removeMember(row["member_id"], from: group, db, &affected) || changed
                    }
                }
            case .removeAll:
                let rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT member_id, member_type FROM scim_member WHERE group_pk = ?"),
                    arguments: [group.pk]
                )
                for row in rows { affected.insert(ResolvedMember(id: row["member_id"], type: row["member_type"])) }
                try db.executeCached(sql: "DELETE FROM scim_member WHERE group_pk = ?", arguments: [group.pk])
                changed = db.changesCount > 0 || changed
            case .replace(let members):
                changed = try replaceMembers(with: members, in: group, app: app, db, &affected) || changed
            }
        }
        return changed
    }

    /// A member written again with another display: the IdP view keeps the latest (the directory
    /// names members from the users, so nothing is re-derived). Returns whether it changed.
    private static func rewriteDisplay(of memberID: String, in group: GroupRow, to display: String?, _ db: Database) throws -> Bool {
        try db.executeCached(
            sql: "UPDATE scim_member SET display = ? WHERE group_pk = ? AND member_id = ? AND display IS NOT ?",
            arguments: [display, group.pk, memberID, display]
        )
        return db.changesCount > 0
    }

    /// Makes the group's members exactly `members`, touching only the rows that differ, so a PUT
    /// that repeats the members changes nothing; returns whether anything changed.
    private static func replaceMembers(
        with members: [MemberValue],
        in group: GroupRow,
        app: AuthenticatedApp,
        _ db: Database,
        _ affected: inout AffectedMembers
    ) throws -> Bool {
        var current: [String: String] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT member_id, member_type FROM scim_member WHERE group_pk = ?"),
            arguments: [group.pk]
        ) {
            current[row["member_id"]] = row["member_type"]
        }
        var wanted: Set<String> = []
        var changed = false
        for member in members {
            let resolved = try resolve(member, in: group, app: app, db)
            guard wanted.insert(resolved.id).inserted else { continue }
            guard current[resolved.id] == nil else {
                changed = try rewriteDisplay(of: resolved.id, in: group, to: member.display, db) || changed
                continue
            }
            try db.executeCached(
                sql: "INSERT INTO scim_member (group_pk, member_id, member_type, display) VALUES (?, ?, ?, ?)",
                arguments: [group.pk, resolved.id, resolved.type, member.display]
            )
            affected.insert(resolved)
            changed = true
        }
        for (id, type) in current.sorted(by: { $0.key < $1.key }) where !wanted.contains(id) {
            try db.executeCached(sql: "DELETE FROM scim_member WHERE group_pk = ? AND member_id = ?", arguments: [group.pk, id])
            affected.insert(ResolvedMember(id: id, type: type))
            changed = true
        }
        return changed
    }

    private static func removeMember(
        _ id: String,
        from group: GroupRow,
        _ db: Database,
        _ affected: inout AffectedMembers
    ) throws -> Bool {
        guard
            let type = try String.fetchOne(
                db.cachedStatement(sql: "SELECT member_type FROM scim_member WHERE group_pk = ? AND member_id = ?"),
                arguments: [group.pk, id]
            )
        else { return false }
        try db.executeCached(sql: "DELETE FROM scim_member WHERE group_pk = ? AND member_id = ?", arguments: [group.pk, id])
        affected.insert(ResolvedMember(id: id, type: type))
        return true
    }

    /// Finds a member id among the app's users, then its groups; an unknown id is refused.
    private static func resolve(_ member: MemberValue, in group: GroupRow, app: AuthenticatedApp, _ db: Database) throws -> ResolvedMember {
        if member.type?.caseInsensitiveEquals("Group") != true,
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM scim_user WHERE id = ? AND app_id = ?)"),
                arguments: [member.id, app.id]
            ) == true
        {
            return ResolvedMember(id: member.id, type: "User")
        }
        if try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM scim_group WHERE id = ? AND app_id = ? AND deleted_at IS NULL)"),
            arguments: [member.id, app.id]
        ) == true {
            guard member.id != group.id else { throw IdPViewError.invalidMember("A group cannot be a member of itself.") }
            if try GroupNesting.idpCycle(db, appID: app.id, parent: group.id, child: member.id) {
                let names = try String.fetchAll(
                    db.cachedStatement(sql: "SELECT display_name FROM scim_group WHERE id IN (?, ?) AND app_id = ? ORDER BY id = ? DESC"),
                    arguments: [group.id, member.id, app.id, group.id]
                )
                throw IdPViewError.invalidMember(
                    "Group '\(names.first ?? group.id)' cannot contain group '\(names.last ?? member.id)', which already contains it (directly or through other groups): a group cannot contain itself."
                )
            }
            return ResolvedMember(id: member.id, type: "Group")
        }
        throw IdPViewError.invalidMember("Member '\(member.id)' is neither a user nor a group of this app.")
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    private static func summary(_ changes: [MemberChange]) -> String? {
        guard !changes.isEmpty else { return nil }
        return changes.map { change in
            switch change {
            case .add(let members): "+" + count(members.count, "member")
            case .remove(let ids): "-" + count(ids.count, "member")
            case .removeMatching: "-members matching a filter"
            case .removeAll: "-all members"
            case .replace(let members): "members replaced by \(members.count)"
            }
        }.joined(separator: ", ")
    }
}
