import GRDB
import SCIM

/// A directory user as a Crowd client sees it.
public struct CrowdUser: Sendable, Equatable {
    public var directoryID: Int64
    public var id: Int64
    public var name: String
    public var email: String?
    public var firstName: String?
    public var lastName: String?
    public var displayName: String?
    public var active: Bool

    /// Crowd's user key: unique across the client's directories, stable while the user exists.
    public var key: String { "\(directoryID):\(id)" }
}

/// A directory group as a Crowd client sees it.
public struct CrowdGroup: Sendable, Equatable {
    public var directoryID: Int64
    public var id: Int64
    public var name: String
    public var description: String?
    public var active: Bool
}

/// One step of ``DirectoryStore/forEachCrowdMembership(in:_:)``: a group, then its members.
public enum CrowdMembershipItem: Sendable, Equatable {
    case group(String)
    case user(String)
    case childGroup(String)
}

/// Which members of a group, or which groups of a member: direct ones, or through nested groups too.
public enum CrowdDepth: Sendable {
    case direct, nested
}

/// One page of a listing: Crowd's `start-index` (from 0) and `max-results`.
public struct CrowdPage: Sendable, Equatable {
    public var start: Int
    public var count: Int

    public init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }
}

extension DirectoryStore {
    static let crowdUserColumns = "u.directory_id, u.id, u.name, u.email, u.first_name, u.last_name, u.display_name, u.active"
    static let crowdGroupColumns = "g.directory_id, g.id, g.name, g.description, g.active"

    /// The user named `name` (ignoring case) in the first of `directories` that has one.
    public func crowdUser(named name: String, in directories: [Int64]) throws -> CrowdUser? {
        try read { db in
            for directory in directories {
                let user = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT \(Self.crowdUserColumns) FROM dir_user u WHERE u.directory_id = ? AND u.name_key = ?"),
                    arguments: [directory, name.nameKey]
                )
                if let user { return Self.crowdUser(user) }
            }
            return nil
        }
    }

    /// The group named `name` (ignoring case) in the first of `directories` that has one.
    public func crowdGroup(named name: String, in directories: [Int64]) throws -> CrowdGroup? {
        try read { db in
            for directory in directories {
                let group = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT \(Self.crowdGroupColumns) FROM dir_group g WHERE g.directory_id = ? AND g.name_key = ?"),
                    arguments: [directory, name.nameKey]
                )
                if let group { return Self.crowdGroup(group) }
            }
            return nil
        }
    }

    /// The groups `user` belongs to (in its directory), by name; `named` keeps only that one.
    public func crowdGroups(of user: CrowdUser, _ depth: CrowdDepth, named: String? = nil, page: CrowdPage) throws -> [CrowdGroup] {
        try crowdGroups(ofMember: "user", user.id, depth, named: named, page: page)
    }

    /// The groups `group` is a member of: its parents.
    public func crowdParentGroups(of group: CrowdGroup, _ depth: CrowdDepth, named: String? = nil, page: CrowdPage) throws -> [CrowdGroup] {
        try crowdGroups(ofMember: "group", group.id, depth, named: named, page: page)
    }

    /// The groups that are members of `group`: its children.
    public func crowdChildGroups(of group: CrowdGroup, _ depth: CrowdDepth, named: String? = nil, page: CrowdPage) throws -> [CrowdGroup] {
        try read { db in
            try Self.crowdRows(
                db.cachedStatement(
                    sql: """
                        WITH RECURSIVE below(id, level) AS (
                            SELECT member_id, 1 FROM dir_membership WHERE group_id = ? AND member_kind = 'group'
                            UNION SELECT m.member_id, 2 FROM dir_membership m JOIN below b ON m.group_id = b.id
                            WHERE m.member_kind = 'group' AND ? = 'nested'
                        )
                        SELECT \(Self.crowdGroupColumns) FROM dir_group g WHERE g.id IN (SELECT id FROM below)
                          AND (?3 IS NULL OR g.name_key = ?3) AND g.id <> ?1
                        ORDER BY g.name_key LIMIT ? OFFSET ?
                        """
                ),
                arguments: [group.id, Self.depthText(depth), named?.nameKey, page.count, page.start],
                Self.crowdGroup
            )
        }
    }

    /// The users that are members of `group`, directly or through its nested groups.
    public func crowdUsers(of group: CrowdGroup, _ depth: CrowdDepth, named: String? = nil, page: CrowdPage) throws -> [CrowdUser] {
        try read { db in
            try Self.crowdRows(
                db.cachedStatement(
                    sql: """
                        WITH RECURSIVE below(id) AS (
                            SELECT ?
                            UNION SELECT m.member_id FROM dir_membership m JOIN below b ON m.group_id = b.id
                            WHERE m.member_kind = 'group' AND ? = 'nested'
                        )
                        SELECT \(Self.crowdUserColumns) FROM dir_user u
                        WHERE u.id IN (SELECT member_id FROM dir_membership WHERE member_kind = 'user' AND group_id IN (SELECT id FROM below))
                          AND (?3 IS NULL OR u.name_key = ?3)
                        ORDER BY u.name_key LIMIT ? OFFSET ?
                        """
                ),
                arguments: [group.id, Self.depthText(depth), named?.nameKey, page.count, page.start],
                Self.crowdUser
            )
        }
    }

    /// The groups a member is in, walked one indexed lookup at a time and sorted here: the
    /// recursive query's temporary tables made SQLite allocate under its global memory lock, and
    /// with eight workers these lookups ran at a third of a user lookup's rate.
    private func crowdGroups(ofMember kind: String, _ id: Int64, _ depth: CrowdDepth, named: String?, page: CrowdPage) throws -> [CrowdGroup] {
        try read { db in
            // Each step reads a member's groups with their rows: one statement per group reached.
            let parents = try db.cachedStatement(
                sql: """
                    SELECT \(Self.crowdGroupColumns), g.name_key FROM dir_membership m JOIN dir_group g ON g.id = m.group_id
                    WHERE m.member_kind = ? AND m.member_id = ?
                    """
            )
            let namedKey = named?.nameKey
            var found = Set<Int64>()
            var groups: [(key: String, group: CrowdGroup)] = []
            var frontier: [(kind: String, id: Int64)] = [(kind, id)]
            while let member = frontier.popLast() {
                let rows = try Row.fetchCursor(parents, arguments: [member.kind, member.id])
                while let row = try rows.next() {
                    let group = Self.crowdGroup(row)
                    guard found.insert(group.id).inserted else { continue }
                    if depth == .nested { frontier.append(("group", group.id)) }
                    let key: String = row[5]
                    if namedKey == nil || key == namedKey { groups.append((key, group)) }
                }
            }
            // By the key's bytes, as SQLite orders the other listings.
            groups.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            return groups.dropFirst(page.start).prefix(page.count).map(\.group)
        }
    }

    /// Calls `body` with every group of `directories` (the first directory's where a name is in two)
    /// in name order, each followed by its direct user members and then its group members, by
    /// name. Members are read one row at a time: memory grows with the largest group's sort, not
    /// with the directory.
    public func forEachCrowdMembership(in directories: [Int64], _ body: (CrowdMembershipItem) throws -> Void) throws {
        try read { db in
            var seen = Set<String>()
            let members = try db.cachedStatement(
                sql: """
                    SELECT DISTINCT m.member_kind, COALESCE(u.name, c.name), COALESCE(u.name_key, c.name_key) AS member_key
                    FROM dir_membership m
                    LEFT JOIN dir_user u ON m.member_kind = 'user' AND u.id = m.member_id
                    LEFT JOIN dir_group c ON m.member_kind = 'group' AND c.id = m.member_id
                    WHERE m.group_id = ? ORDER BY m.member_kind DESC, member_key
                    """
            )
            for directory in directories {
                let groups = try Row.fetchAll(
                    db,
                    sql: "SELECT id, name, name_key FROM dir_group WHERE directory_id = ? ORDER BY name_key",
                    arguments: [directory]
                )
                for group in groups where seen.insert(group[2]).inserted {
                    try body(.group(group[1]))
                    let rows = try Row.fetchCursor(members, arguments: [group[0] as Int64])
                    while let row = try rows.next() {
                        guard let name: String = row[1] else { continue }
                        try body(row[0] == "user" ? .user(name) : .childGroup(name))
                    }
                }
            }
        }
    }

    /// Users or groups of `directories` matching `restriction` (the first directory's where a name
    /// is in two), by name.
    public func crowdSearchUsers(_ restriction: CrowdRestriction, in directories: [Int64], page: CrowdPage) throws -> [CrowdUser] {
        try crowdSearch(.user, restriction, directories, page).map(Self.crowdUser)
    }

    public func crowdSearchGroups(_ restriction: CrowdRestriction, in directories: [Int64], page: CrowdPage) throws -> [CrowdGroup] {
        try crowdSearch(.group, restriction, directories, page).map(Self.crowdGroup)
    }

    private func crowdSearch(_ type: CrowdEntityType, _ restriction: CrowdRestriction, _ directories: [Int64], _ page: CrowdPage) throws -> [Row] {
        guard restriction.restrictionCount <= CrowdRestriction.maxRestrictions else {
            throw StoreError.invalid("the search holds more than \(CrowdRestriction.maxRestrictions) restrictions (limit crowdSearchRestrictions)")
        }
        var arguments: [(any DatabaseValueConvertible)?] = []
        let condition = try CrowdRestrictionSQL(type: type).condition(restriction, &arguments)
        let (table, columns) = type == .user ? ("dir_user", Self.crowdUserColumns) : ("dir_group", Self.crowdGroupColumns)
        let alias = type == .user ? "u" : "g"
        let list = directories.isEmpty ? "NULL" : directories.map(String.init).joined(separator: ", ")
        // A name an earlier directory of the client holds is that directory's, matching or not.
        let position = { (row: String) in
            "CASE \(row).directory_id \(directories.enumerated().map { "WHEN \($0.element) THEN \($0.offset)" }.joined(separator: " ")) END"
        }
        let shadowed = """
            EXISTS (SELECT 1 FROM \(table) o WHERE o.name_key = \(alias).name_key AND o.directory_id IN (\(list))
                    AND \(position("o")) < \(position(alias)))
            """
        return try read { db in
            // A CONTAINS no index serves costs time in proportion to the directory.
            try QueryDeadline.within(db) {
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(columns) FROM \(table) \(alias)
                        WHERE \(alias).directory_id IN (\(list)) AND (\(condition)) AND NOT \(directories.count > 1 ? shadowed : "0")
                        ORDER BY \(alias).name_key LIMIT ? OFFSET ?
                        """,
                    arguments: StatementArguments(arguments + [page.count, page.start])
                )
            }
        }
    }

    private static func depthText(_ depth: CrowdDepth) -> String {
        depth == .nested ? "nested" : "direct"
    }

    /// The rows of a statement, each read as it comes (no copy of every row first).
    static func crowdRows<T>(_ statement: Statement, arguments: StatementArguments, _ decode: (Row) -> T) throws -> [T] {
        var result: [T] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() { result.append(decode(row)) }
        return result
    }

    /// A row of ``crowdUserColumns``, read by position: finding each column by name cost more
    /// than the query on a list of groups.
    static func crowdUser(_ row: Row) -> CrowdUser {
        CrowdUser(
            directoryID: row[0],
            id: row[1],
            name: row[2],
            email: row[3],
            firstName: row[4],
            lastName: row[5],
            displayName: row[6],
            active: row[7]
        )
    }

    /// A row of ``crowdGroupColumns``, read by position.
    static func crowdGroup(_ row: Row) -> CrowdGroup {
        CrowdGroup(directoryID: row[0], id: row[1], name: row[2], description: row[3], active: row[4])
    }
}

/// A restriction as an SQL condition over the directory table, its values bound as arguments.
struct CrowdRestrictionSQL {
    let type: CrowdEntityType

    func condition(_ restriction: CrowdRestriction, _ arguments: inout [(any DatabaseValueConvertible)?]) throws -> String {
        switch restriction {
        case .all:
            return "1"
        case .and(let parts):
            return parts.isEmpty ? "1" : try parts.map { "(\(try condition($0, &arguments)))" }.joined(separator: " AND ")
        case .or(let parts):
            return parts.isEmpty ? "0" : try parts.map { "(\(try condition($0, &arguments)))" }.joined(separator: " OR ")
        case .property(let name, let mode, let value):
            return try property(name, mode, value, &arguments)
        }
    }

    private func property(
        _ name: String,
        _ mode: CrowdRestriction.MatchMode,
        _ value: String?,
        _ arguments: inout [(any DatabaseValueConvertible)?]
    ) throws -> String {
        let alias = type == .user ? "u" : "g"
        guard let column = type.column(of: name) else {
            throw StoreError.invalid("no \(type.rawValue) property '\(name)' to search; use one of \(type.properties.joined(separator: ", "))")
        }
        let field = column.folded && column.name != "name_key" ? "scim_fold(\(alias).\(column.name))" : "\(alias).\(column.name)"
        guard mode != .null else { return "\(alias).\(column.name) IS NULL" }
        guard let value else { throw StoreError.invalid("the \(mode.rawValue) restriction on '\(name)' needs a value") }
        if column.boolean {
            guard let flag = ["true": true, "false": false][value.lowercased()] else {
                throw StoreError.invalid("'\(name)' is true or false, not '\(value)'")
            }
            guard mode == .exactlyMatches else { throw StoreError.invalid("'\(name)' can only be matched exactly") }
            arguments.append(flag)
            return "\(field) = ?"
        }
        let key = value.nameKey
        if mode == .startsWith {
            arguments += [key, key]
            return "substr(\(field), 1, length(?)) = ?"
        }
        arguments.append(key)
        return mode == .contains ? "instr(\(field), ?) > 0" : "\(field) = ?"
    }
}
