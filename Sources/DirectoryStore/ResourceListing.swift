import GRDB
import SCIM

extension DirectoryStore {
    /// One page of an IdP-view table, filtered and sorted in SQL; the order always ends with the
    /// primary key, so pages are stable.
    /// The query stops after `milliseconds` (``QueryDeadline``).
    func listResources(
        table: ListedTable,
        appID: Int64,
        query: ListQuery,
        milliseconds: Int = QueryDeadline.limit.value
    ) throws -> ResourcePage {
        let compiler = FilterSQL(columns: table.columns)
        var condition: SQL = "app_id = \(appID)"
        // A deleted group whose directory work is still queued is a tombstone, no longer a resource.
        if table == .groups { condition += " AND deleted_at IS NULL" }
        if let filter = query.filter {
            condition += " AND \(try compiler.compile(filter))"
        }
        let order = try compiler.order(query.sortBy, descending: query.descending)
        let typeName = table.columns.resourceType.name
        var page = condition
        var offset = query.startIndex - 1
        switch query.cursor {
        case .after(let key)?:
            guard query.sortBy == nil else {
                throw ScimError(status: 400, scimType: .invalidCursor, detail: "The cursor does not fit this sort order.")
            }
            page += " AND pk > \(key)"
            offset = 0
        case .offset(let start)?:
            offset = start
        case .first?, nil:
            if query.cursor != nil { offset = 0 }
        }
        let name = table.sql
        // count and page from one snapshot, so totalResults matches the page.
        return try snapshot {
            try read { db in
                try QueryDeadline.within(db, milliseconds: milliseconds) {
                    let total = try Int.fetchOne(db, SQLRequest(literal: "SELECT count(*) FROM \(name) WHERE \(condition)")) ?? 0
                    guard query.count > 0 else { return ResourcePage(totalResults: total, resources: []) }
                    // One row beyond the page tells a cursor-paged client whether there is a next page.
                    let rows = try Row.fetchAll(
                        db,
                        SQLRequest(
                            literal: """
                                SELECT id, resource, version, created_at, modified_at, pk FROM \(name)
                                WHERE \(page) ORDER BY \(order) LIMIT \(query.count + 1) OFFSET \(offset)
                                """
                        )
                    )
                    let shown = rows.prefix(query.count)
                    var continuations: [PageCursor] = []
                    if query.cursor != nil {
                        continuations = shown.enumerated().map { index, row in
                            query.sortBy == nil ? .after(key: row[5]) : .offset(offset + index + 1)
                        }
                    }
                    return ResourcePage(
                        totalResults: total,
                        resources: shown.map { Self.resource($0, type: typeName) },
                        nextCursor: rows.count > query.count ? continuations.last : nil,
                        continuations: continuations
                    )
                }
            }
        }
    }
}

/// The IdP-view tables that list queries read, with how their attributes map to columns.
enum ListedTable {
    case users, groups

    var columns: FilterSQL.Columns {
        switch self {
        case .users: FilterSQL.users
        case .groups: FilterSQL.groups
        }
    }

    /// The table's name: one of these two constants, never a request's text.
    var sql: SQL {
        switch self {
        case .users: "scim_user"
        case .groups: "scim_group"
        }
    }
}
