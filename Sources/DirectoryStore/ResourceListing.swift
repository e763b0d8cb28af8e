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
        return try pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)", arguments: arguments) ?? 0
            guard query.count > 0 else { return ResourcePage(totalResults: total, resources: []) }
            let rows = try Row.fetchAll(db, sql: """
                SELECT pk, id, resource, version, created_at, modified_at FROM \(table)
                WHERE \(condition) ORDER BY \(order) LIMIT ? OFFSET ?
                """, arguments: arguments + [query.count, query.startIndex - 1])
            return ResourcePage(totalResults: total, resources: rows.map { Self.resource($0, type: typeName) })
        }
    }
}
