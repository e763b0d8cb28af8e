import GRDB
import SyncRules

extension Deriver {
    /// The planner's questions about one SCIM user's directory, answered in the deriver's
    /// transaction.
    struct UserState: UserDirectoryState {
        let deriver: Deriver
        /// The SCIM user being planned.
        let scimPK: Int64

        func user(named name: String) throws -> DirectoryUserRecord? {
            try deriver.db.firstCached(
                sql: Deriver.directoryUserSelect + " WHERE directory_id = ? AND name_key = ?",
                arguments: [deriver.directoryID, name.nameKey],
                Deriver.directoryUser
            )
        }

        func isLinkedByAnotherUserOfThisApp(_ id: Int64) throws -> Bool {
            try deriver.db.firstCached(
                sql: "SELECT EXISTS (SELECT 1 FROM scim_user WHERE directory_user_id = ? AND app_id = ? AND pk != ?)",
                arguments: [id, deriver.appID, scimPK]
            ) { $0.integer(0) != 0 } ?? false
        }

        func ownerStillLinks(_ user: DirectoryUserRecord) throws -> Bool {
            try Bool.fetchOne(
                deriver.db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM scim_user WHERE directory_user_id = ? AND app_id = ?)"),
                arguments: [user.id, user.ownerApp]
            ) ?? false
        }
    }
}
