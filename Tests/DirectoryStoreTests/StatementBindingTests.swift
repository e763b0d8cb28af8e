import Foundation
import GRDB
import Testing

@testable import DirectoryStore

/// Values bound straight into SQLite come back as GRDB binds them, and failures are GRDB's errors.
@Suite struct StatementBindingTests {
    let queue: DatabaseQueue

    init() throws {
        queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE value (name TEXT UNIQUE, number INTEGER, flag INTEGER, note TEXT)")
        }
    }

    @Test func textsIntegersBooleansAndNullsRoundTrip() throws {
        let names = ["", "plain", "Zoë Ångström 👩🏽‍💻", "nul\u{0}inside", String(repeating: "x", count: 100_000)]
        try queue.write { db in
            for (offset, name) in names.enumerated() {
                let note: String? = offset.isMultiple(of: 2) ? nil : "note \(offset)"
                try db.executeCached(
                    sql: "INSERT INTO value (name, number, flag, note) VALUES (?, ?, ?, ?)",
                    arguments: [name, Int64(offset) - 2, offset == 1, note]
                )
            }
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM value ORDER BY rowid") }
        // A text ends at its first NUL, as GRDB binds it.
        #expect(rows.map { $0["name"] as String } == names.map { String($0.prefix { $0 != "\u{0}" }) })
        #expect(rows[3]["name"] as DatabaseValue == "nul".databaseValue)
        #expect(rows.map { $0["number"] as Int64 } == [-2, -1, 0, 1, 2])
        #expect(rows.map { $0["flag"] as Bool } == [false, true, false, false, false])
        #expect(rows.map { $0["note"] as String? } == [nil, "note 1", nil, "note 3", nil])
        #expect(rows[0]["name"] as DatabaseValue == "".databaseValue, "an empty text is not bound as NULL")
    }

    @Test func aConstraintFailureIsGRDBsErrorWithItsExtendedCode() throws {
        try queue.write { db in
            try db.executeCached(sql: "INSERT INTO value (name) VALUES (?)", arguments: ["taken"])
            let error = #expect(throws: DatabaseError.self) {
                try db.executeCached(sql: "INSERT INTO value (name) VALUES (?)", arguments: ["taken"])
            }
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
            #expect(error?.sql == "INSERT INTO value (name) VALUES (?)")
            // The statement is reset: it runs again with new values.
            try db.executeCached(sql: "INSERT INTO value (name) VALUES (?)", arguments: ["free"])
        }
    }

    @Test func aStatementReadsTheRowsOfItsNewArguments() throws {
        try queue.write { db in
            for number in 1...3 {
                try db.executeCached(sql: "INSERT INTO value (name, number) VALUES (?, ?)", arguments: ["n\(number)", number])
            }
            let sql = "SELECT name FROM value WHERE number >= ? ORDER BY number"
            #expect(try db.allCached(sql: sql, arguments: [2]) { $0.text(0) } == ["n2", "n3"])
            #expect(try db.allCached(sql: sql, arguments: [3]) { $0.text(0) } == ["n3"])
            #expect(try db.firstCached(sql: sql, arguments: [4]) { $0.text(0) } == nil)
            #expect(try db.firstCached(sql: sql, arguments: [1]) { $0.text(0) } == "n1")
        }
    }
}
