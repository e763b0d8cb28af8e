import GRDB

/// How big each directory and each app's IdP view are, for metrics and `scimsync stats`.
public struct DirectorySizes: Sendable, Equatable {
    /// Users and groups.
    public struct Count: Sendable, Equatable {
        public var users: Int
        public var groups: Int

        public static let zero = Count(users: 0, groups: 0)
    }

    /// Directory name → its users and groups (the directory view).
    public var directories: [String: Count]
    /// App id → the users and groups its IdP provisioned (the IdP view).
    public var apps: [Int64: Count]
}

extension DirectoryStore {
    /// Counts every directory's users and groups and every app's IdP users and groups, from one
    /// snapshot (grouped counts over indexed columns).
    public func sizes() throws -> DirectorySizes {
        try snapshot {
            try read { db in
                var sizes = DirectorySizes(directories: [:], apps: [:])
                let directories = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT d.name, (SELECT count(*) FROM dir_user WHERE directory_id = d.id),
                               (SELECT count(*) FROM dir_group WHERE directory_id = d.id)
                        FROM directory d
                        """
                )
                for row in directories { sizes.directories[row[0]] = DirectorySizes.Count(users: row[1], groups: row[2]) }
                let apps = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.id, (SELECT count(*) FROM scim_user WHERE app_id = a.id),
                               (SELECT count(*) FROM scim_group WHERE app_id = a.id AND deleted_at IS NULL)
                        FROM app a
                        """
                )
                for row in apps { sizes.apps[row[0]] = DirectorySizes.Count(users: row[1], groups: row[2]) }
                return sizes
            }
        }
    }
}
