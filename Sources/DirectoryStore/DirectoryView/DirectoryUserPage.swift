import GRDB

/// One page of a directory's users, for the web console's list.
public struct DirectoryUserPage: Sendable, Equatable {
    public var users: [DirectoryUser]
    /// Users matching the search in all, on every page.
    public var total: Int
}

extension DirectoryStore {
    /// The users of `directory` whose name, email or display name contains `search` (ignoring
    /// case, as names fold), by name, `limit` from `offset`: one indexed range per page, not the
    /// whole directory.
    public func directoryUsers(directory: String, search: String?, offset: Int, limit: Int) throws -> DirectoryUserPage {
        try read { db in
            let directoryID = try Self.existingDirectory(db, directory).id
            var condition = "u.directory_id = ?"
            var arguments: [any DatabaseValueConvertible] = [directoryID]
            if let search, !search.isEmpty {
                let pattern = "%\(FilterSQL.likeEscaped(search.nameKey))%"
                condition += """
                     AND (u.name_key LIKE ? ESCAPE '\\' OR scim_fold(u.email) LIKE ? ESCAPE '\\' \
                    OR scim_fold(u.display_name) LIKE ? ESCAPE '\\')
                    """
                arguments += [pattern, pattern, pattern]
            }
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM dir_user u WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
            let users = try Row.fetchAll(
                db,
                sql: Self.directoryUserSelect + " WHERE \(condition) ORDER BY u.name_key LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [max(0, limit), max(0, offset)])
            ).map(Self.directoryUser)
            return DirectoryUserPage(users: users, total: total)
        }
    }
}
