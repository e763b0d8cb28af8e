import Foundation
import GRDB
import Testing

@testable import DirectoryStore

/// Composed SQL keeps values out of its text: each becomes a `?` and an argument, in order.
@Suite struct SQLTextTests {
    @Test func interpolatedValuesAreBoundNotSpliced() {
        let name = "x' OR 1=1 --"
        let sql: SQLText = "user_name_key = \(name) AND pk > \(Int64(7))"
        #expect(sql.text == "user_name_key = ? AND pk > ?")
        #expect(sql.arguments == [name.databaseValue, Int64(7).databaseValue])
    }

    @Test func nestedTextKeepsItsArgumentsInOrder() {
        let inner: SQLText = "a = \(1)"
        var outer: SQLText = "(\(inner) OR b = \(2))"
        outer += " AND c = \(3)"
        #expect(outer.text == "(a = ? OR b = ?) AND c = ?")
        #expect(outer.arguments == [1, 2, 3].map(\.databaseValue))
        let joined = [inner, "d = \("x")", .constant("pk")].joined(separator: " AND ")
        #expect(joined.text == "a = ? AND d = ? AND pk")
        #expect(joined.arguments == [1.databaseValue, "x".databaseValue])
    }

    @Test func boundArgumentsRunInSQLite() throws {
        let queue = try DatabaseQueue()
        let sql: SQLText = "SELECT \(Int64(40)) + \(2.5), \("é\u{0}cut"), \(Data())"
        let row = try queue.read { db in
            let statement = try db.makeStatement(sql: sql.text)
            try statement.bind(sql.arguments)
            return try statement.firstRow { ($0.text(0), $0.text(1), $0.isNull(2)) }
        }
        // As GRDB binds them: a string up to its first NUL, an empty blob not NULL.
        #expect(row?.0 == "42.5" && row?.1 == "é" && row?.2 == false)
    }
}
