import GRDB
import SCIM
import SyncRules

/// A user of the directory view.
public struct DirectoryUser: Sendable, Equatable, Codable {
    public var id: Int64
    public var directory: String
    public var name: String
    public var email: String?
    public var displayName: String?
    public var firstName: String?
    public var lastName: String?
    public var active: Bool
    /// The app that provisioned the user, or `nil` for a local user.
    public var originApp: String?
    public var createdAt: String
    public var modifiedAt: String
}

extension DirectoryStore {
    /// Creates a local user: the admin's, managed by no app until one adopts it.
    @discardableResult
    public func createLocalUser(directory: String, fields: DirectoryUserFields, by actor: AdminActor) throws -> DirectoryUser {
        let name = try Self.validName(fields.username, of: "user")
        return try write { db in
            let directory = try Self.existingDirectory(db, directory)
            guard
                try Int64.fetchOne(
                    db,
                    sql: "SELECT id FROM dir_user WHERE directory_id = ? AND name_key = ?",
                    arguments: [directory.id, name.nameKey]
                ) == nil
            else { throw StoreError.duplicate("user '\(name)'") }
            let now = Timestamp.now()
            try db.execute(
                sql: """
                    INSERT INTO dir_user (directory_id, name, name_key, email, display_name, first_name, last_name, active, created_at, modified_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    directory.id, name, name.nameKey, fields.email, fields.displayName, fields.firstName,
                    fields.lastName, fields.active, now, now,
                ]
            )
            let user = try Row.fetchOne(db, sql: Self.directoryUserSelect + " WHERE u.id = ?", arguments: [db.lastInsertedRowID])
                .map(Self.directoryUser)!
            // `User (<name>)`, as refused creates read, so that `scimsync audit --user NAME` finds it.
            try AuditContext(actor).record(
                db,
                operation: "directory.user.create",
                target: "User (\(user.name))",
                detail: "local user in directory \(directory.name)"
            )
            return user
        }
    }

    /// The users of one directory, or of all, by name.
    public func directoryUsers(directory: String?) throws -> [DirectoryUser] {
        try directoryUsers(named: nil, directory: directory)
    }

    /// The users named `name` (one per directory unless `directory` narrows it), or all users
    /// when `name` is nil.
    public func directoryUsers(named name: String?, directory: String?) throws -> [DirectoryUser] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let directory {
                guard try Self.directory(db, named: directory) != nil else { throw StoreError.notFound("directory '\(directory)'") }
                conditions.append("d.name_key = ?")
                _ = arguments.append(contentsOf: [directory.nameKey])
            }
            if let name {
                conditions.append("u.name_key = ?")
                _ = arguments.append(contentsOf: [name.nameKey])
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql: Self.directoryUserSelect + filter + " ORDER BY d.name_key, u.name_key",
                arguments: arguments
            ).map(Self.directoryUser)
        }
    }

    static let directoryUserSelect = """
        SELECT u.id, d.name AS directory, u.name, u.email, u.display_name, u.first_name, u.last_name, u.active,
               a.name AS origin_app, u.created_at, u.modified_at
        FROM dir_user u JOIN directory d ON d.id = u.directory_id LEFT JOIN app a ON a.id = u.origin_app_id
        """

    static func directoryUser(_ row: Row) -> DirectoryUser {
        DirectoryUser(
            id: row["id"],
            directory: row["directory"],
            name: row["name"],
            email: row["email"],
            displayName: row["display_name"],
            firstName: row["first_name"],
            lastName: row["last_name"],
            active: row["active"],
            originApp: row["origin_app"],
            createdAt: row["created_at"],
            modifiedAt: row["modified_at"]
        )
    }
}
