import GRDB
import SCIM

extension DirectoryStore {
    /// One page of an IdP-view table, filtered and sorted in SQL; the order always ends with the
    /// primary key, so pages are stable.
    func listResources(table: String, columns: FilterSQL.Columns, appID: Int64, query: ListQuery) throws -> ResourcePage {
        var compiler = FilterSQL(columns: columns)
        var condition = "app_id = ?"
        if let filter = query.filter {
            condition += " AND \(try compiler.compile(filter))"
        }
        let arguments = StatementArguments([appID] as [any DatabaseValueConvertible]) + StatementArguments(compiler.arguments)
        let order = try Self.orderClause(query, columns: columns)
        let typeName = columns.resourceType.name
        var page = condition
        var pageArguments = arguments
        var offset = query.startIndex - 1
        switch query.cursor {
        case .after(let key)?:
            guard query.sortBy == nil else {
                throw ScimError(status: 400, scimType: .invalidCursor, detail: "The cursor does not fit this sort order.")
            }
            page += " AND pk > ?"
            pageArguments += [key]
            offset = 0
        case .offset(let start)?:
            offset = start
        case .first?, nil:
            if query.cursor != nil { offset = 0 }
        }
        // count and page from one snapshot, so totalResults matches the page.
        return try snapshot {
            try read { db in
                let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)", arguments: arguments) ?? 0
                guard query.count > 0 else { return ResourcePage(totalResults: total, resources: []) }
                // One row beyond the page tells a cursor-paged client whether there is a next page.
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, resource, version, created_at, modified_at, pk FROM \(table)
                        WHERE \(page) ORDER BY \(order) LIMIT ? OFFSET ?
                        """,
                    arguments: pageArguments + [query.count + 1, offset]
                )
                let shown = rows.prefix(query.count)
                var next: PageCursor?
                if query.cursor != nil, rows.count > query.count, let last = shown.last {
                    next = query.sortBy == nil ? .after(key: last[5]) : .offset(offset + query.count)
                }
                return ResourcePage(totalResults: total, resources: shown.map { Self.resource($0, type: typeName) }, nextCursor: next)
            }
        }
    }
}
