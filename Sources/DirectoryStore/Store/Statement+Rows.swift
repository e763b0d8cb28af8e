import CSQLiteHardening
import GRDB

/// One result row of a statement, read where SQLite holds it: valid only inside the closure
/// that receives it.
struct StatementRow {
    fileprivate let statement: SQLiteStatement

    func integer(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    func optionalInteger(_ column: Int32) -> Int64? {
        isNull(column) ? nil : integer(column)
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    /// The column's UTF-8 bytes (empty for NULL).
    func bytes(_ column: Int32) -> [UInt8] {
        guard let text = sqlite3_column_text(statement, column) else { return [] }
        return Array(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))))
    }

    /// The column's UTF-8 bytes where SQLite holds them (empty for NULL), for `body` only.
    func withUTF8<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let text = sqlite3_column_text(statement, column)
        return try body(UnsafeBufferPointer(start: text, count: text == nil ? 0 : Int(sqlite3_column_bytes(statement, column))))
    }

    func text(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }
}

extension Statement {
    /// Steps through the rows of this statement, its arguments already set, handing each to
    /// `read`, then resets it. On the read path of every GET: GRDB's rows copy each column into
    /// values of their own first, which cost more than the query itself.
    func forEachRow(_ read: (StatementRow) throws -> Void) throws {
        try forRows { row in
            try read(row)
            return true
        }
    }

    /// Like ``forEachRow(_:)``, until `read` returns false.
    func forRows(while read: (StatementRow) throws -> Bool) throws {
        defer { sqlite3_reset(sqliteStatement) }
        while try step(), try read(StatementRow(statement: sqliteStatement)) {}
    }

    /// The first row made into a value by `read`, or nil when there is none.
    func firstRow<T>(_ read: (StatementRow) throws -> T) throws -> T? {
        defer { sqlite3_reset(sqliteStatement) }
        return try step() ? try read(StatementRow(statement: sqliteStatement)) : nil
    }

    /// True when a row is ready, false when the statement is done.
    private func step() throws -> Bool {
        switch sqlite3_step(sqliteStatement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement)))
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }
}
