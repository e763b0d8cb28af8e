import GRDB
import SCIM

/// A group of the directory view.
public struct DirectoryGroup: Sendable, Equatable, Codable {
    public var id: Int64
    public var directory: String
    public var name: String
    public var memberCount: Int
    /// The app that created the group, or `nil` for a group the admin made.
    public var originApp: String?
    /// Whether apps fill the group only through a rule naming it, a manual mapping row or a
    /// default group, and never by its name (see docs/RULES.md, "Protected groups").
    public var protected: Bool
}

/// A member of a directory group, user or group, with every origin of its membership.
public struct DirectoryMembership: Sendable, Equatable, Codable {
    /// The group's name (in a user's memberships) or the member's name (in a group's members).
    public var name: String
    /// "user" or "group".
    public var kind: String
    /// "admin", "app okta: IdP group Engineering", "app okta: default group", …
    public var origins: [String]
}

extension DirectoryStore {
    /// Creates a group in a directory, as the admin (no app manages it), `protected` from the
    /// apps if asked (see ``DirectoryGroup/protected``).
    @discardableResult
    public func createDirectoryGroup(name: String, directory: String, protected: Bool = false, by actor: AdminActor) throws -> DirectoryGroup {
        let name = try Self.validName(name, of: "group")
        return try write { db in
            let directory = try Self.existingDirectory(db, directory)
            guard try Self.groupID(db, named: name, in: directory) == nil else { throw StoreError.duplicate("group '\(name)'") }
            let now = Timestamp.now()
            try db.execute(
                sql: """
                    INSERT INTO dir_group (directory_id, name, name_key, protected, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [directory.id, name, name.nameKey, protected, now, now]
            )
            let id = db.lastInsertedRowID
            try AuditContext(actor).record(
                db,
                operation: "directory.group.create",
                target: Self.auditTarget(group: name, in: directory),
                detail: protected ? "protected" : nil
            )
            return DirectoryGroup(
                id: id,
                directory: directory.name,
                name: name,
                memberCount: 0,
                originApp: nil,
                protected: protected
            )
        }
    }

    /// The groups of one directory, or of all, by name.
    public func directoryGroups(directory: String?) throws -> [DirectoryGroup] {
        try read { db in
            let directoryID = try directory.map { try Self.existingDirectory(db, $0).id }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT g.id, d.name AS directory, g.name, a.name AS origin_app, g.protected,
                           (SELECT COUNT(DISTINCT member_kind || member_id) FROM dir_membership WHERE group_id = g.id) AS members
                    FROM dir_group g JOIN directory d ON d.id = g.directory_id LEFT JOIN app a ON a.id = g.origin_app_id
                    WHERE ? IS NULL OR g.directory_id = ?
                    ORDER BY d.name_key, g.name_key
                    """,
                arguments: [directoryID, directoryID]
            ).map {
                DirectoryGroup(
                    id: $0["id"],
                    directory: $0["directory"],
                    name: $0["name"],
                    memberCount: $0["members"],
                    originApp: $0["origin_app"],
                    protected: $0["protected"]
                )
            }
        }
    }

    /// The members of a directory group, with the origins of each membership.
    public func directoryGroupMembers(group: String, directory: String) throws -> [DirectoryMembership] {
        try read { db in
            let directory = try Self.existingDirectory(db, directory)
            guard let groupID = try Self.groupID(db, named: group, in: directory) else { throw StoreError.notFound("group '\(group)'") }
            return try Self.memberships(
                db,
                sql: """
                    SELECT COALESCE(u.name, g.name) AS name, m.member_kind AS kind, \(MembershipOrigin.columns("m"))
                    FROM dir_membership m
                    LEFT JOIN dir_user u ON m.member_kind = 'user' AND u.id = m.member_id
                    LEFT JOIN dir_group g ON m.member_kind = 'group' AND g.id = m.member_id
                    WHERE m.group_id = ?
                    ORDER BY m.member_kind DESC, COALESCE(u.name_key, g.name_key), \(Self.originOrder)
                    """,
                arguments: [groupID]
            )
        }
    }

    /// The groups a directory user belongs to, with the origins of each membership.
    public func directoryUserMemberships(userID: Int64) throws -> [DirectoryMembership] {
        try read { db in
            try Self.memberships(
                db,
                sql: """
                    SELECT g.name, 'group' AS kind, \(MembershipOrigin.columns("m"))
                    FROM dir_membership m JOIN dir_group g ON g.id = m.group_id
                    WHERE m.member_kind = 'user' AND m.member_id = ? ORDER BY g.name_key, \(Self.originOrder)
                    """,
                arguments: [userID]
            )
        }
    }

    /// Adds a member to a group as the admin; a membership the admin made stays until the admin
    /// removes it (or an app whose rules do not keep existing memberships syncs the user).
    public func addDirectoryMember(group: String, directory: String, member: String, kind: MemberKind, by actor: AdminActor) throws {
        try write { db in
            let ends = try Self.membershipEnds(db, group: group, directory: directory, member: member, kind: kind)
            if kind == .group, try GroupNesting.directoryCycle(db, parent: ends.groupID, child: ends.memberID) {
                throw StoreError.invalid(
                    "group '\(ends.member)' already contains group '\(ends.group)' (directly or through other groups): a group cannot contain itself"
                )
            }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO dir_membership (group_id, member_kind, member_id, rule) VALUES (?, ?, ?, 'admin')
                    """,
                arguments: [ends.groupID, kind.rawValue, ends.memberID]
            )
            guard db.changesCount > 0 else { return }
            try AuditContext(actor).record(
                db,
                operation: "directory.group.add-member",
                target: Self.auditTarget(group: ends.group, in: ends.directory),
                detail: "\(kind.rawValue) \(ends.member)"
            )
        }
    }

    /// Removes what the admin owns of a membership: the admin's own origin, and the one-time grants
    /// of default groups for new users. Memberships that apps keep deriving stay (their rules own them).
    public func removeDirectoryMember(group: String, directory: String, member: String, kind: MemberKind, by actor: AdminActor) throws {
        try write { db in
            let ends = try Self.membershipEnds(db, group: group, directory: directory, member: member, kind: kind)
            let origins = try Row.fetchAll(
                db,
                sql: """
                    DELETE FROM dir_membership WHERE group_id = ? AND member_kind = ? AND member_id = ?
                      AND rule IN ('admin', 'newUserGroup')
                    RETURNING \(MembershipOrigin.columns())
                    """,
                arguments: [ends.groupID, kind.rawValue, ends.memberID]
            ).map(MembershipOrigin.init(row:))
            guard !origins.isEmpty else {
                throw StoreError.notFound(
                    "a membership of \(kind.rawValue) '\(member)' in group '\(group)' that the admin can remove (the sync rules own the others)"
                )
            }
            let removed = try origins.sorted().map { try $0.describe(db) }.joined(separator: "; ")
            try AuditContext(actor).record(
                db,
                operation: "directory.group.remove-member",
                target: Self.auditTarget(group: ends.group, in: ends.directory),
                detail: "\(kind.rawValue) \(ends.member) (\(removed))"
            )
        }
    }

    /// A directory member's kind.
    public enum MemberKind: String, Sendable {
        case user, group
    }

    /// The two ends of a membership, by id and by their stored names.
    private struct MembershipEnds {
        var directory: Directory
        var groupID: Int64
        var group: String
        var memberID: Int64
        var member: String
    }

    private static func membershipEnds(
        _ db: Database,
        group: String,
        directory: String,
        member: String,
        kind: MemberKind
    ) throws -> MembershipEnds {
        let directory = try existingDirectory(db, directory)
        let groupRow = try existingGroup(db, named: group, in: directory)
        let table = kind == .user ? "dir_user" : "dir_group"
        guard
            let memberRow = try Row.fetchOne(
                db,
                sql: "SELECT id, name FROM \(table) WHERE directory_id = ? AND name_key = ?",
                arguments: [directory.id, member.nameKey]
            )
        else {
            throw StoreError.notFound("\(kind.rawValue) '\(member)'")
        }
        let ends = MembershipEnds(
            directory: directory,
            groupID: groupRow["id"],
            group: groupRow["name"],
            memberID: memberRow["id"],
            member: memberRow["name"]
        )
        guard kind == .user || ends.memberID != ends.groupID else { throw StoreError.invalid("a group cannot be a member of itself") }
        return ends
    }

    /// How the audit names a directory group.
    static func auditTarget(group: String, in directory: Directory) -> String {
        "Group \(group) (directory \(directory.name))"
    }

    /// The group's `id` and `name` as stored, or a not-found refusal naming it.
    static func existingGroup(_ db: Database, named name: String, in directory: Directory) throws -> Row {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT id, name FROM dir_group WHERE directory_id = ? AND name_key = ?",
                arguments: [directory.id, name.nameKey]
            )
        else { throw StoreError.notFound("group '\(name)'") }
        return row
    }

    static func groupID(_ db: Database, named name: String, in directory: Directory) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: "SELECT id FROM dir_group WHERE directory_id = ? AND name_key = ?",
            arguments: [directory.id, name.nameKey]
        )
    }

    package static func existingDirectory(_ db: Database, _ name: String) throws -> Directory {
        guard let directory = try directory(db, named: name) else { throw StoreError.notFound("directory '\(name)'") }
        return directory
    }

    /// Origins the way listings order them: the admin's first, then by app and rule.
    private static let originOrder = "m.app_id, m.rule, m.idp_group_pk"

    /// Rows of `name, kind` and the origin columns folded into one membership per name and kind, origins described.
    private static func memberships(_ db: Database, sql: String, arguments: StatementArguments) throws -> [DirectoryMembership] {
        var result: [DirectoryMembership] = []
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            let origin = try MembershipOrigin(row: row).describe(db)
            if let last = result.last, last.name == row["name"], last.kind == row["kind"] {
                result[result.count - 1].origins.append(origin)
            } else {
                result.append(DirectoryMembership(name: row["name"], kind: row["kind"], origins: [origin]))
            }
        }
        return result
    }
}
