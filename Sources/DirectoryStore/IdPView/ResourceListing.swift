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
        var condition: SQLText = "app_id = \(appID)"
        // A deleted group whose directory work is still queued is a tombstone, no longer a resource.
        if table == .groups { condition += " AND deleted_at IS NULL" }
        if let filter = query.filter {
            condition += " AND \(try compiler.compile(filter))"
        }
        let order = try compiler.order(query.sortBy, descending: query.descending)
        let typeName = table.columns.resourceType.name
        var page = condition
        // Whether the page's rows are fewer than the condition's (a cursor or a walk starts after a key).
        var narrowed = false
        var offset = query.startIndex - 1
        switch query.cursor {
        case .after(let key)?:
            guard query.sortBy == nil else {
                throw IdPViewError.invalidCursor("The cursor does not fit this sort order.")
            }
            page += " AND pk > \(key)"
            narrowed = true
            offset = 0
        case .offset(let start)?:
            offset = start
        case .first?, nil:
            if query.cursor != nil { offset = 0 }
        }
        let name = table.sql
        // An index walk (no filter, no sort, no cursor) continues from the previous page's last key,
        // or from the nearest page start known below it.
        let walk = query.filter == nil && query.sortBy == nil && query.cursor == nil
        let cached = ListStatements.fewShapes(query)
        // count and page from one snapshot, so totalResults matches the page.
        return try snapshot {
            try read { db in
                try QueryDeadline.within(db, milliseconds: milliseconds) {
                    let tally = query.filter == nil ? try Self.tally(db, table: table, appID: appID) : nil
                    func counted() throws -> Int {
                        try tally?.total
                            ?? ListStatements.statement(db, "SELECT count(*) FROM \(name) WHERE \(condition)", cached: cached)
                            .firstRow { Int($0.integer(0)) } ?? 0
                    }
                    guard query.count > 0 else { return ResourcePage(totalResults: try counted(), resources: []) }
                    let list = PagePositions.List(database: path, appID: appID, table: table)
                    if walk, offset > 0, let tally,
                        let known = PagePositions.shared.nearest(atOrBelow: query.startIndex, in: list, deletions: tally.deletions)
                    {
                        page += " AND pk > \(known.afterKey)"
                        narrowed = true
                        offset = query.startIndex - known.startIndex
                    }
                    // One row beyond the page tells a cursor-paged client whether there is a next page.
                    // Resources and their keys apart: a page is handed on without copying its resources.
                    var resources: [StoredResource] = []
                    var keys: [Int64] = []
                    resources.reserveCapacity(min(query.count + 1, 128))
                    keys.reserveCapacity(min(query.count + 1, 128))
                    // Rows past the response's byte budget would only be cut from the answer: a page
                    // of large resources stops being read there, not at `count`.
                    var bytes = 0
                    var cut = false
                    try ListStatements.statement(
                        db,
                        """
                        SELECT id, resource, version, created_at, modified_at, pk FROM \(name)
                        WHERE \(page) ORDER BY \(order) LIMIT \(query.count + 1) OFFSET \(offset)
                        """,
                        cached: cached
                    ).forRows { row in
                        let resource = Self.resource(row, type: typeName)
                        bytes += resource.json.count
                        resources.append(resource)
                        keys.append(row.integer(5))
                        cut = bytes > ScimLimit.listBytes.value && resources.count <= query.count
                        return !cut
                    }
                    let more = resources.count > query.count
                    if more {
                        resources.removeLast()
                        keys.removeLast()
                    }
                    // A page from the first match that holds every match is its own count (an `eq`
                    // filter's page, usually): no second query.
                    let total = !narrowed && !cut && offset == 0 && !more ? resources.count : try counted()
                    if walk, let tally, let last = keys.last {
                        PagePositions.shared.learn(
                            PagePositions.Position(startIndex: query.startIndex + keys.count, afterKey: last),
                            in: list,
                            deletions: tally.deletions
                        )
                    }
                    var continuations: [PageCursor] = []
                    if query.cursor != nil {
                        continuations =
                            query.sortBy == nil
                            ? keys.map { .after(key: $0) } : keys.indices.map { .offset(offset + $0 + 1) }
                    }
                    return ResourcePage(
                        totalResults: total,
                        resources: resources,
                        nextCursor: more || cut ? continuations.last : nil,
                        continuations: continuations
                    )
                }
            }
        }
    }
}

extension DirectoryStore {
    /// The app's count of the table's resources and of their deletions (``Migrations`` v5).
    static func tally(_ db: Database, table: ListedTable, appID: Int64) throws -> (total: Int, deletions: Int64)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT total, deletions FROM scim_tally WHERE app_id = ? AND resource_type = ?"),
            arguments: [appID, table.columns.resourceType.name]
        ).map { (total: $0[0], deletions: $0[1]) }
    }
}

/// The IdP-view tables that list queries read, with how their attributes map to columns.
enum ListedTable: Hashable, Sendable {
    case users, groups

    var columns: FilterSQL.Columns {
        switch self {
        case .users: FilterSQL.users
        case .groups: FilterSQL.groups
        }
    }

    /// The table's name: one of these two constants, never a request's text.
    var sql: SQLText {
        switch self {
        case .users: "scim_user"
        case .groups: "scim_group"
        }
    }
}
