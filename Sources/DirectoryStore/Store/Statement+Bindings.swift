import CSQLiteHardening
import GRDB

/// A value bound straight into a statement's parameter, without GRDB's `StatementArguments`
/// (an array of boxed `DatabaseValue`s, checked against the statement's parameters per call).
package protocol SQLArgument {
    /// Binds the value to parameter `index` (from 1); SQLite's result code.
    func bind(to statement: SQLiteStatement, at index: Int32) -> Int32
}

/// SQLite copies a bound text or blob before the bind call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Int64: SQLArgument {
    package func bind(to statement: SQLiteStatement, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, self)
    }
}

extension Int: SQLArgument {
    package func bind(to statement: SQLiteStatement, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, Int64(self))
    }
}

extension Bool: SQLArgument {
    package func bind(to statement: SQLiteStatement, at index: Int32) -> Int32 {
        sqlite3_bind_int64(statement, index, self ? 1 : 0)
    }
}

extension String: SQLArgument {
    /// Up to its first NUL, as GRDB binds a string, so that every statement (whichever binds it)
    /// stores and compares the same text: a length of -1 has SQLite stop there. `withCString`
    /// lends a native string's own NUL-terminated storage (passing `self` would copy it).
    package func bind(to statement: SQLiteStatement, at index: Int32) -> Int32 {
        withCString { sqlite3_bind_text(statement, index, $0, -1, transient) }
    }
}

extension DatabaseValue: SQLArgument {
    package func bind(to statement: SQLiteStatement, at index: Int32) -> Int32 {
        switch storage {
        case .null: sqlite3_bind_null(statement, index)
        case .int64(let value): value.bind(to: statement, at: index)
        case .double(let value): sqlite3_bind_double(statement, index, value)
        case .string(let value): value.bind(to: statement, at: index)
        case .blob(let data):
            data.withUnsafeBytes { bytes in
                // A NULL pointer would bind NULL, not an empty blob.
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
                return sqlite3_bind_blob(statement, index, base, Int32(bytes.count), transient)
            }
        }
    }
}

extension Optional: SQLArgument where Wrapped: SQLArgument {
    package func bind(to statement: SQLiteStatement, at index: Int32) -> Int32 {
        switch self {
        case .some(let value): value.bind(to: statement, at: index)
        case .none: sqlite3_bind_null(statement, index)
        }
    }
}

extension Statement {
    /// Binds `arguments` to the statement's parameters, in order, after resetting it.
    func bind(_ arguments: [any SQLArgument]) throws {
        sqlite3_reset(sqliteStatement)
        sqlite3_clear_bindings(sqliteStatement)
        for (offset, argument) in arguments.enumerated() {
            let code = argument.bind(to: sqliteStatement, at: Int32(offset + 1))
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    /// Runs the statement, its arguments bound, to its end, then resets it.
    func run() throws {
        defer { sqlite3_reset(sqliteStatement) }
        while true {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_ROW: continue
            case SQLITE_DONE: return
            case let code: throw failure(code)
            }
        }
    }

    /// The connection's last error, as GRDB reports it.
    func failure(_ code: Int32) -> DatabaseError {
        let connection = sqlite3_db_handle(sqliteStatement)
        return DatabaseError(
            resultCode: ResultCode(rawValue: connection.map(sqlite3_extended_errcode) ?? code),
            message: connection.map { String(cString: sqlite3_errmsg($0)) },
            sql: sql
        )
    }
}
