import CSQLiteHardening
import CWALWriter
import DirectoryStore
import Foundation
import GRDB
import TestSupport
import Testing

/// The WAL writes of a commit go out together, and what SQLite reads back, in this connection or
/// another, is what it wrote, whatever the connection's `synchronous` setting.
@Suite(.serialized) struct GatheredWALTests {
    let temporary: TemporaryDirectory
    let path: String

    init() throws {
        temporary = try TemporaryDirectory()
        path = temporary.path("wal.sqlite")
        // The store installs the VFS before it opens its connections.
        _ = try DirectoryStore(path: temporary.path("install.sqlite"))
    }

    private func open(synchronous: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        return queue
    }

    @Test func isSQLitesDefaultVFS() {
        #expect(String(cString: sqlite3_vfs_find(nil).pointee.zName) == "scimsync-wal")
    }

    @Test(arguments: ["FULL", "NORMAL", "OFF"])
    func anotherConnectionReadsEveryCommitAtOnce(synchronous: String) throws {
        let writer = try open(synchronous: synchronous)
        let reader = try open(synchronous: "FULL")
        try writer.write { db in try db.execute(sql: "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)") }
        for round in 1...50 {
            // From one row to a transaction of several buffers' worth of pages (~300 KiB).
            let rows = round == 50 ? 2_000 : round
            try writer.write { db in
                for row in 0..<rows {
                    try db.execute(sql: "INSERT INTO note (text) VALUES (?)", arguments: [String(repeating: "\(round)-\(row) ", count: 20)])
                }
            }
            let count = try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM note WHERE text LIKE ?", arguments: ["\(round)-%"]) }
            #expect(count == rows)
        }
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        #expect(try reader.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM note") } == (1...49).reduce(2_000, +))
    }

    @Test func aCommitOfManyPagesIsAFewWrites() throws {
        let writer = try open(synchronous: "FULL")
        try writer.write { db in try db.execute(sql: "CREATE TABLE note (text TEXT NOT NULL)") }
        let before = scimsync_wal_writer_writes()
        // About 60 pages: SQLite writes each frame as two writes, 120 in all.
        try writer.write { db in
            for row in 0..<60 { try db.execute(sql: "INSERT INTO note (text) VALUES (?)", arguments: [String(repeating: "\(row)", count: 4_000)]) }
        }
        let writes = scimsync_wal_writer_writes() - before
        let pages = try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM dbstat") } ?? 0
        #expect(pages > 60)
        #expect((1...Int64(pages * 4_120 / (124 * 1_024) + 2)).contains(writes), "\(writes) writes for \(pages) pages")
    }
}
