import GRDB

extension DirectoryStore {
    /// Refuses `name` when another of the app's users (by `userName`) or live groups (by
    /// `displayName`) holds it, names compared by their ``Swift/String/nameKey``; `pk` is the
    /// resource being renamed, which may keep its own name.
    static func checkNameFree(_ db: Database, _ kind: IdPViewError.ResourceKind, appID: Int64, name: String, except pk: Int64?) throws {
        let sql =
            switch kind {
            case .user: "SELECT pk FROM scim_user WHERE app_id = ? AND user_name_key = ?"
            case .group: "SELECT pk FROM scim_group WHERE app_id = ? AND display_name_key = ? AND deleted_at IS NULL"
            }
        if let holder = try db.firstCached(sql: sql, arguments: [appID, name.nameKey], { $0.integer(0) }), holder != pk {
            throw IdPViewError.nameTaken(kind, name: name)
        }
    }
}
