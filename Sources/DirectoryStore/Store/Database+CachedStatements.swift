import GRDB

extension Database {
    /// Runs `sql` (one statement) through the connection's statement cache, with `arguments`
    /// bound straight into SQLite: a statement of the write path is compiled once per
    /// connection, and its values skip GRDB's argument boxing and checks, which cost more than
    /// running most of these statements.
    func executeCached(sql: String, arguments: [any SQLArgument] = []) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.bind(arguments)
        try statement.run()
    }

    /// The first row of `sql` with `arguments`, made into a value by `read`; nil when there is none.
    func firstCached<T>(sql: String, arguments: [any SQLArgument], _ read: (StatementRow) throws -> T) throws -> T? {
        let statement = try cachedStatement(sql: sql)
        try statement.bind(arguments)
        return try statement.firstRow(read)
    }

    /// Every row of `sql` with `arguments`, each made into a value by `read`.
    func allCached<T>(sql: String, arguments: [any SQLArgument], _ read: (StatementRow) throws -> T) throws -> [T] {
        let statement = try cachedStatement(sql: sql)
        try statement.bind(arguments)
        var values: [T] = []
        try statement.forEachRow { values.append(try read($0)) }
        return values
    }
}
