import GRDB

extension Database {
    /// `execute(sql:arguments:)` through the connection's statement cache: a statement of the
    /// write path is compiled once per connection, not once per request (compiling, with GRDB's
    /// authorizer, cost more than running most of them). `sql` must be one statement.
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
