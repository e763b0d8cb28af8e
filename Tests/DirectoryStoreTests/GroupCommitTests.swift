import Foundation
import GRDB
import Synchronization
import TestSupport
import Testing

@testable import DirectoryStore

/// Writes that arrive together share one transaction and one commit, each undone alone when it
/// fails, and none returns before its commit.
@Suite struct GroupCommitTests {
    let fixture: StoreFixture
    var committer: GroupCommit { fixture.store.committer }

    init() throws {
        fixture = try StoreFixture()
        try fixture.store.write { db in try db.execute(sql: "CREATE TABLE note (text TEXT NOT NULL UNIQUE)") }
    }

    /// A store of its own for each writer thread, as the responder's workers have.
    private func stores(_ count: Int) throws -> [DirectoryStore] {
        try (0..<count).map { _ in try DirectoryStore(path: fixture.path, migrate: false) }
    }

    /// The notes as another connection reads them. It waits for locks as the store's connections
    /// do: the writers' connections, closing as their threads end, may checkpoint the WAL meanwhile.
    private func notes() throws -> [String] {
        var configuration = Configuration()
        configuration.busyMode = .timeout(DirectoryStore.busyTimeout)
        return try DatabaseQueue(path: fixture.path, configuration: configuration).read { db in
            try String.fetchAll(db, sql: "SELECT text FROM note ORDER BY text")
        }
    }

    /// Queues one write per text on its own thread while `holder` keeps the lead, then lets them
    /// go: they all wait in one queue, so the next leader commits them together.
    private func queuedTogether(
        _ texts: [String],
        _ write: @escaping @Sendable (DirectoryStore, String) throws -> Void
    ) throws -> [String: Result<Void, any Error>] {
        let writers = try stores(texts.count)
        let holder = try DirectoryStore(path: fixture.path, migrate: false)
        let results = Mutex<[String: Result<Void, any Error>]>([:])
        let group = DispatchGroup()
        try holder.grouped {
            for (store, text) in zip(writers, texts) {
                // A thread each, as the responder's workers: a thread pool would start them late.
                group.enter()
                Thread {
                    let result = Result { try write(store, text) }
                    results.withLock { $0[text] = result }
                    group.leave()
                }.start()
            }
            while committer.queued < texts.count { usleep(1000) }
        }
        group.wait()
        return results.withLock { $0 }
    }

    @Test func theStoresOfOneFileShareOneWriterWhileAnyIsOpen() throws {
        let other = fixture.temporary.path("other.sqlite")
        weak var released: GroupCommit?
        try {
            let first = try DirectoryStore(path: other)
            let second = try DirectoryStore(path: other, migrate: false)
            #expect(first.committer === second.committer)
            #expect(first.committer !== committer, "another file has a committer of its own")
            try first.write { db in try db.execute(sql: "CREATE TABLE note (text TEXT)") }
            released = first.committer
        }()
        #expect(released == nil, "the writer connection closes with the last store of its file")
        let reopened = try DirectoryStore(path: other, migrate: false)
        try reopened.write { db in try db.execute(sql: "INSERT INTO note VALUES ('again')") }
        #expect(try reopened.read { db in try String.fetchAll(db, sql: "SELECT text FROM note") } == ["again"])
    }

    @Test func everyCommitIsSyncedToDisk() throws {
        // 2 is FULL: in WAL mode, the WAL is synced at every commit, not only at checkpoints.
        #expect(try fixture.store.connection.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        #expect(try DirectoryStore(path: fixture.path).connection.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }

    @Test func writesThatArriveTogetherShareOneCommit() throws {
        let before = committer.commits
        let texts = (1...20).map { "note \($0)" }
        let results = try queuedTogether(texts) { store, text in
            try store.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES (?)", arguments: [text]) }
        }
        #expect(results.values.allSatisfy { (try? $0.get()) != nil })
        #expect(committer.commits - before == 1, "twenty writes, one commit")
        #expect(try notes() == texts.sorted())
    }

    @Test func aFailingWriteIsUndoneAloneAndTheOthersCommit() throws {
        try fixture.store.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('taken')") }
        let results = try queuedTogether(["a", "b", "c"]) { store, text in
            try store.write { db in
                try db.execute(sql: "INSERT INTO note (text) VALUES (?)", arguments: [text])
                if text == "b" { try db.execute(sql: "INSERT INTO note (text) VALUES ('taken')") }  // unique: fails
            }
        }
        #expect((try? results["a"]?.get()) != nil)
        #expect((try? results["c"]?.get()) != nil)
        #expect(throws: DatabaseError.self) { try results["b"]?.get() }
        #expect(try notes() == ["a", "c", "taken"])
    }

    /// A write that changes more pages than its savepoint journal keeps in memory
    /// (``DirectoryStore/savepointJournalBytes``, past which SQLite spills it to a temporary file
    /// in one write the system VFS could not make) is still undone alone.
    @Test func aFailingWriteLargerThanItsJournalInMemoryIsUndoneAlone() throws {
        let filler = String(repeating: "x", count: 1_000)
        try fixture.store.write { db in
            for index in 0..<1_500 { try db.execute(sql: "INSERT INTO note (text) VALUES (?)", arguments: ["\(index) \(filler)"]) }
        }
        let before = try notes()
        let results = try queuedTogether(["large", "small"]) { store, text in
            try store.write { db in
                if text == "small" { return try db.execute(sql: "INSERT INTO note (text) VALUES ('small')") }
                // Every page of the table changes: about 1.5 MB of journal.
                try db.execute(sql: "UPDATE note SET text = 'changed ' || text")
                // Taken by the update: fails.
                try db.execute(sql: "INSERT INTO note (text) VALUES ('changed 0 ' || ?)", arguments: [filler])
            }
        }
        // A constraint, not the SQLITE_FULL the system VFS gave a journal's one large write.
        guard case .failure(let error) = try #require(results["large"]) else {
            Issue.record("the large write committed")
            return
        }
        #expect((error as? DatabaseError)?.resultCode.primaryResultCode == .SQLITE_CONSTRAINT, "\(error)")
        #expect((try? results["small"]?.get()) != nil)
        #expect(try notes() == (before + ["small"]).sorted())
    }

    /// Unless SQLite was initialised before the first store (as it may be in this test process,
    /// never in the responder or the CLI), savepoint journals are sized, not kept in SQLite's
    /// 1 KiB pieces.
    @Test func savepointJournalsAreSizedOrKeptInMemory() throws {
        let tempStore = try fixture.store.connection.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(tempStore == (DirectoryStore.processSettings ? 0 : 2))
    }

    @Test func aSavepointInsideAWriteIsUndoneAloneAndTheWriteGoesOn() throws {
        struct Refused: Error {}
        try fixture.store.write { db in
            try db.execute(sql: "INSERT INTO note (text) VALUES ('before')")
            let refused: Bool
            do {
                try db.inCachedSavepoint {
                    try db.execute(sql: "INSERT INTO note (text) VALUES ('undone')")
                    throw Refused()
                }
                refused = false
            } catch is Refused {
                refused = true
            }
            #expect(refused)
            // The same savepoint again, as the next write of a shared commit takes it.
            try db.inCachedSavepoint { try db.execute(sql: "INSERT INTO note (text) VALUES ('kept')") }
            try db.execute(sql: "INSERT INTO note (text) VALUES ('after')")
        }
        #expect(try notes() == ["after", "before", "kept"])
    }

    @Test func whenTheSharedTransactionIsLostNoWriteOfItClaimsSuccess() throws {
        let results = try queuedTogether(["a", "b"]) { store, text in
            try store.write { db in
                try db.execute(sql: "INSERT INTO note (text) VALUES (?)", arguments: [text])
                if text == "b" { try db.execute(sql: "ROLLBACK") }  // ends every write's transaction
            }
        }
        #expect(results.values.allSatisfy { (try? $0.get()) == nil })
        #expect(try notes() == [])
        // The next writes go on in a transaction of their own.
        try fixture.store.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('after')") }
        #expect(try notes() == ["after"])
    }

    @Test func aGroupedRunCommitsItsWritesTogetherEachUndoneAlone() throws {
        let store = fixture.store
        try store.grouped {
            try store.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('x')") }
            #expect(throws: DatabaseError.self) {
                try store.write { db in
                    try db.execute(sql: "INSERT INTO note (text) VALUES ('y')")
                    try db.execute(sql: "INSERT INTO note (text) VALUES ('x')")
                }
            }
            try store.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('z')") }
            #expect(try notes() == [], "nothing is visible to others before the commit")
        }
        #expect(try notes() == ["x", "z"])
    }
}
