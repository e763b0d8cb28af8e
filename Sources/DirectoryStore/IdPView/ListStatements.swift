import GRDB
import SCIM

/// The prepared statements of list queries. Preparing one cost more than running it (GRDB's
/// authorizer reads every column the statement names), so a statement is kept on the connection
/// and only given new arguments, when its query is of a shape with few distinct SQL texts: no
/// filter or one comparison (what IdPs send: `userName eq …`, `externalId eq …`). Any other
/// filter is prepared for its request only: the connection keeps a statement per distinct SQL
/// text, and nested filters could make those without end.
enum ListStatements {
    /// Whether the statements of `query` may be kept: their SQL text depends only on the
    /// attribute compared, the operator, the sort and the paging, never on the values.
    static func fewShapes(_ query: ListQuery) -> Bool {
        switch query.filter {
        case nil, .compare?, .present?: true
        default: false
        }
    }

    /// `sql` prepared (or taken from the connection's cache when `cached`), its arguments bound.
    static func statement(_ db: Database, _ sql: SQLText, cached: Bool) throws -> Statement {
        let statement = cached ? try db.cachedStatement(sql: sql.text) : try db.makeStatement(sql: sql.text)
        try statement.bind(sql.arguments)
        return statement
    }
}
