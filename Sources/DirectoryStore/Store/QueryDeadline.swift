import CSQLiteHardening
import GRDB
import SCIM

/// How long one list query may run: a filter no index serves (a hundred `co` terms over every
/// element of every user's emails, say) costs time in proportion to the directory, and a worker
/// busy for minutes is a worker lost to every other IdP.
enum QueryDeadline {
    static let limit = ScimLimit(name: "queryMaxMilliseconds", value: 10_000)

    /// Runs `body`, interrupting any statement of `db` still running `milliseconds` after it began;
    /// an interrupted query is refused with `400 tooMany` (RFC 7644: more than the server is
    /// willing to process), naming the limit.
    static func within<T>(_ db: Database, milliseconds: Int = limit.value, _ body: () throws -> T) throws -> T {
        var deadline = scimsync_monotonic_nanoseconds() + UInt64(milliseconds) * 1_000_000
        return try withUnsafePointer(to: &deadline) { pointer in
            scimsync_sqlite_set_deadline(db.sqliteConnection, pointer)
            defer { scimsync_sqlite_set_deadline(db.sqliteConnection, nil) }
            do {
                return try body()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
                throw ScimLimit(name: limit.name, value: milliseconds)
                    .exceeded("The query ran longer than \(milliseconds) ms; narrow the filter", scimType: .tooMany)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && error.message?.contains("parser stack overflow") == true {
                // The filter limits keep compiled filters well inside SQLite's parser; should a
                // shape slip through, it is the filter that is refused, not the server that fails.
                throw ScimLimit.filterNesting.exceeded("The filter is too complex for the database", scimType: .invalidFilter)
            }
        }
    }
}
