import DirectoryStore
import Foundation
import GRDB
import Testing

/// The console's synchronization runs: one at a time per app, their progress written batch by
/// batch with the batch, their end, and a quiet unfinished run read as interrupted.
@Suite struct SyncRunTests {
    let fixture: StoreFixture
    var store: DirectoryStore { fixture.store }

    init() throws {
        fixture = try StoreFixture()
    }

    private func users(_ count: Int, in app: AuthenticatedApp) throws {
        for index in 0..<count { try fixture.createUser(app, userBody(#""userName":"user\#(index)@example.com""#)) }
    }

    private func started(_ name: String) throws -> SyncRun {
        guard case .started(let run) = try store.startSyncRun(app: name, by: .test) else {
            Issue.record("no run started")
            throw StoreError.invalid("no run started")
        }
        return run
    }

    @Test func aRunIsRecordedAndTheSecondStartShowsTheRunningOne() throws {
        let app = try fixture.app("okta").app
        try users(3, in: app)
        let run = try started("okta")
        #expect(run.phase == .queued && run.usersTotal == 3 && run.usersDone == 0 && run.outcome == nil)
        #expect(run.isRunning())
        #expect(try store.startSyncRun(app: "OKTA", by: .test) == .alreadyRunning(run))
        #expect(throws: StoreError.self) { try store.startSyncRun(app: "nope", by: .test) }
    }

    @Test func eachBatchRecordsItsProgressAndTheLastOneTheEnd() throws {
        let app = try fixture.app("okta").app
        let count = 501  // two batches of at most 500
        try users(count, in: app)
        // Every progress write, as the transaction that made it committed it.
        try store.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE progress_log (users_done INTEGER, phase TEXT, outcome TEXT);
                    CREATE TRIGGER progress_logged AFTER UPDATE ON sync_run BEGIN
                        INSERT INTO progress_log VALUES (new.users_done, new.phase, new.outcome);
                    END;
                    """
            )
        }
        let run = try started("okta")
        let changes = try store.synchronize(run: run, by: .test)
        let log = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT users_done, phase, outcome FROM progress_log ORDER BY rowid").map {
                "\($0[0] as Int) \($0[1] as String) \(($0[2] as String?) ?? "-")"
            }
        }
        #expect(
            log == [
                "0 group-work -", "0 users -", "500 users -", "501 users -", "501 groups -", "501 finished succeeded",
            ]
        )
        let finished = try #require(try store.syncRun(id: run.id, app: "okta"))
        #expect(finished.usersDone == count && finished.usersTotal == count && finished.outcome == .succeeded)
        #expect(finished.changesCount == changes.count && finished.finishedAt != nil && !finished.isRunning())
        #expect(finished.changesShown == changes.prefix(DirectoryStore.syncRunChangesKept).map(\.summary))
        // Finished, the app may be synchronized again.
        #expect(try started("okta").id > run.id)
    }

    @Test func aQuietUnfinishedRunIsInterruptedAndANewOneMayStart() throws {
        _ = try fixture.app("okta")
        let run = try started("okta")
        #expect(!run.isInterrupted(at: Date(timeIntervalSince1970: run.updatedAt + SyncRun.staleAfter - 1)))
        #expect(run.isInterrupted(at: Date(timeIntervalSince1970: run.updatedAt + SyncRun.staleAfter + 1)))
        // Its process died a minute ago.
        try store.write { db in
            try db.execute(sql: "UPDATE sync_run SET updated_at = updated_at - 61 WHERE id = ?", arguments: [run.id])
        }
        let stale = try #require(try store.syncRun(id: run.id, app: "okta"))
        #expect(stale.isInterrupted() && !stale.isRunning() && stale.outcome == nil)
        let next = try started("okta")
        #expect(next.id != run.id)
        let marked = try #require(try store.syncRun(id: run.id, app: "okta"))
        #expect(marked.outcome == .interrupted && marked.isInterrupted())
    }

    @Test func aRunIsOnlyFoundUnderItsApp() throws {
        _ = try fixture.app("okta")
        _ = try fixture.app("entra")
        let run = try started("okta")
        #expect(try store.syncRun(id: run.id, app: "entra") == nil)
        #expect(try store.syncRun(id: run.id, app: "okta")?.id == run.id)
    }
}
