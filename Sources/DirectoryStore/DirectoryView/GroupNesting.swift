import GRDB

/// Refuses the group-in-group memberships that would make a group contain itself, directly or
/// through others, in the IdP view and in the directory view alike: a cycle would give every
/// member of each group in it the access of all the others.
enum GroupNesting {
    /// Whether directory group `parent` is `child` or already among the groups `child` contains,
    /// at any depth: then `parent` containing `child` closes a cycle.
    static func directoryCycle(_ db: Database, parent: Int64, child: Int64) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE contained(id) AS (
                        SELECT ?
                        UNION
                        SELECT m.member_id FROM dir_membership m JOIN contained c ON m.group_id = c.id
                        WHERE m.member_kind = 'group'
                    )
                    SELECT EXISTS (SELECT 1 FROM contained WHERE id = ?)
                    """
            ),
            arguments: [child, parent]
        ) ?? false
    }

    /// The same in an app's IdP view, by SCIM ids.
    static func idpCycle(_ db: Database, appID: Int64, parent: String, child: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE contained(id) AS (
                        SELECT ?
                        UNION
                        SELECT m.member_id FROM contained c
                        JOIN scim_group g ON g.id = c.id AND g.app_id = ? AND g.deleted_at IS NULL
                        JOIN scim_member m ON m.group_pk = g.pk AND m.member_type = 'Group'
                    )
                    SELECT EXISTS (SELECT 1 FROM contained WHERE id = ?)
                    """
            ),
            arguments: [child, appID, parent]
        ) ?? false
    }
}
