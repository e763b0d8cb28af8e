import CSQLiteHardening
import CWALWriter
import Foundation
import GRDB
import SCIM
import SyncRules
import Synchronization

/// The SQLite database of ScimSync: directories, apps and tokens, each app's IdP view, the
/// directory view and the audit log.
///
/// Each `DirectoryStore` is one SQLite connection, meant for one thread: the responder opens
/// one per worker thread, so a request never waits for another thread's connection (a shared
/// pool hands every access between threads, which cost most of a GET's time). WAL mode lets
/// readers run beside the single writer; `synchronous = FULL` makes every committed transaction
/// durable before the service answers. The writes of a process's threads that arrive together
/// share one `IMMEDIATE` transaction and its commit (``GroupCommit``); processes serialise on
/// the write lock (waiting up to ``busyTimeout``, ``waitForTheWriteLock``) instead of failing.
public final class DirectoryStore: Sendable {
    public static let busyTimeout: TimeInterval = 10
    /// The page cache of one connection, in KiB (the responder has one connection per worker).
    public static let pageCacheKiB = 16 * 1024
    /// WAL pages after which a commit copies them into the database (SQLite's default is 1,000).
    public static let checkpointPages = 8_000
    /// The page size of the databases this build creates (SQLite's default is 4 KiB): a page of
    /// 100 users of a million-user directory spans half as many pages that no connection's cache
    /// holds, for the same CPU a commit (docs/BENCHMARKS.md, A/B of 2026-12-04). A database keeps
    /// the size it was created with.
    public static let pageBytes = 8_192

    /// SQLite's default VFS for every connection the process opens from now on: a WAL file's
    /// writes go out in one `pwrite(2)` per commit instead of two per page, and a savepoint
    /// journal spilled to its file in pieces the system VFS can write (see `CWALWriter`). Were
    /// it missing, connections would write as SQLite does, only slower, and keep savepoint
    /// journals in memory (``processSettings``).
    static let gatheredWALWrites = scimsync_wal_writer_install() == SQLITE_OK

    /// SQLite's process-wide settings, made before anything initialises SQLite (registering the
    /// WAL writer does): no memory statistics, whose global mutex every allocation took, and
    /// savepoint journals of ``savepointJournalBytes`` in memory. The result says whether the
    /// journals got it; if SQLite was already initialised, or the WAL writer (which writes a
    /// journal that outgrows it) is missing, connections keep them in memory (`temp_store`).
    static let processSettings: Bool = {
        _ = scimsync_sqlite_skip_memory_statistics()
        let sized = scimsync_sqlite_statement_journal_spill(savepointJournalBytes) == SQLITE_OK
        return gatheredWALWrites && sized
    }()

    /// A savepoint's journal is held in memory up to this size, in one allocation. With
    /// `temp_store = MEMORY` SQLite holds it in 1 KiB pieces instead, allocated and freed for
    /// every write (a create journals some 90 KiB: a tenth of its instructions); past SQLite's
    /// default, 64 KiB, it was a temporary file written and deleted for every create.
    static let savepointJournalBytes: Int32 = 1 << 20

    package let connection: DatabaseQueue
    let authCache = AuthCache()
    let tokenHashes = TokenHashCache()
    let crowdAuthCache = CrowdAuthCache()
    /// Time spent in transactions, for the responder's log and metrics.
    public let meter = TransactionMeter()
    public let path: String
    /// Memberships (or members) one batch of group work handles (``GroupWork``).
    public let groupBatchSize: Int
    /// The group commit of every store of this process on this database file.
    let committer: GroupCommit
    /// Above zero while ``grouped(_:)`` runs: writes join its transaction.
    private let grouping = Atomic<Int>(0)
    /// Called on a writing thread just before it sleeps until the committer has run its write.
    private let beforeCommitWait: @Sendable () -> Void
    /// The connection a ``snapshot(_:)`` holds open, and the thread it runs on: reads of that
    /// thread inside it go straight to the connection (GRDB's reentrant path asked the dispatch
    /// queue twice per read whether it was allowed to).
    private let openSnapshot = Mutex<OpenSnapshot?>(nil)

    /// Opens (creating if needed, mode 0600) the database at `path` and, unless `migrate` is
    /// false, brings it to the current schema. The connection is hardened (see
    /// ``ConnectionHardening``). `beforeCommitWait` runs on a writing thread just before it
    /// sleeps until its write is committed: the responder lends the thread's run permit then.
    public init(
        path: String,
        migrate: Bool = true,
        groupBatchSize: Int = GroupWork.batchSize,
        beforeCommitWait: @escaping @Sendable () -> Void = {}
    ) throws {
        let savepointJournalsSized = Self.processSettings
        self.groupBatchSize = max(groupBatchSize, 1)
        self.beforeCommitWait = beforeCommitWait
        var configuration = ConnectionHardening.configuration()
        configuration.busyMode = .callback(Self.waitForTheWriteLock)
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in
            // Takes effect only on a database with no table yet: before the migrations make one.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageBytes)")
            // Each worker's connection keeps this many KiB of pages (SQLite's default, 2 MiB,
            // missed on most reads of a 10,000-user directory: a pread(2) per GET).
            try db.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheKiB)")
            if !savepointJournalsSized { try db.execute(sql: "PRAGMA temp_store = MEMORY") }
            // Checkpoint every ~64 MiB of WAL instead of every 8 MiB: a page changed by many
            // commits meanwhile is copied into the database once, not once per 8 MiB.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
            db.add(function: Self.foldFunction)
        }
        // SQLite would create a missing file with the umask's mode, and its WAL with the same.
        try PrivateFile.createIfMissing(path)
        self.path = path
        connection = try Self.open(path, configuration)
        committer = try GroupCommit.forDatabase(at: path) { try Self.open(path, configuration) }
        if migrate {
            try Migrations.migrator.migrate(connection)
        }
    }

    private static func open(_ path: String, _ configuration: Configuration) throws -> DatabaseQueue {
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        // After GRDB's WAL set-up, which chooses `synchronous = NORMAL` (a commit synced only at
        // the next checkpoint): every commit is synced before it returns, or an acknowledged
        // write could be lost with the power.
        try connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return connection
    }

    /// Runs `body` inside one read transaction, so every read it makes sees the same snapshot
    /// and the WAL read lock is taken once; nested calls join the outer transaction.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        try connection.unsafeReentrantRead { db in
            // SQLite's own flag: GRDB's `isInsideTransaction` first checks the dispatch queue
            // it runs on, which cost more than the check.
            guard sqlite3_get_autocommit(db.sqliteConnection) != 0 else { return try body() }
            let started = ContinuousClock.now
            defer { meter.read(since: started) }
            openSnapshot.withLock { $0 = OpenSnapshot(thread: pthread_self(), database: db) }
            defer { openSnapshot.withLock { $0 = nil } }
            try db.executeCached(sql: "BEGIN DEFERRED TRANSACTION")
            do {
                let result = try body()
                try db.executeCached(sql: "COMMIT")
                return result
            } catch {
                try? db.executeCached(sql: "ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `updates` in a transaction, durable when this returns.
    ///
    /// Writes of this process's threads that arrive together share one transaction and one
    /// commit, each in its own savepoint (``GroupCommit``); inside ``grouped(_:)`` a write is a
    /// savepoint of the group's transaction. Only other processes meet SQLite's busy handler,
    /// which polls with sleeps.
    package func write<T>(_ updates: (Database) throws -> T) throws -> T {
        if grouping.load(ordering: .relaxed) > 0 {
            return try connection.unsafeReentrantWrite { db in
                guard db.isInsideTransaction else { throw GroupCommit.transactionEnded }
                return try db.inCachedSavepoint { try updates(db) }
            }
        }
        let requested = ContinuousClock.now
        do {
            let (result, timing) = try committer.write(updates, beforeWait: beforeCommitWait)
            meter.write(requested: requested, began: timing.began, worked: timing.worked)
            return result
        } catch {
            meter.write(requested: requested, began: .now, worked: .now)
            throw error
        }
    }

    /// Runs `body` with every write it makes in one transaction of this thread's own, each write
    /// in a savepoint (undone alone when it fails), committed together when `body` returns: the
    /// operations of one `/Bulk` request share a few commits instead of one each. Nothing is
    /// durable until this returns; when it throws, nothing of `body` is.
    public func grouped<T>(_ body: () throws -> T) throws -> T {
        let requested = ContinuousClock.now
        var began = requested
        defer { meter.write(requested: requested, began: began, worked: .now) }
        return try committer.exclusive(on: connection, beforeWait: beforeCommitWait) { _ in
            began = .now
            grouping.add(1, ordering: .relaxed)
            defer { grouping.subtract(1, ordering: .relaxed) }
            return try body()
        }
    }

    /// A SCIM write: when it is refused (any ``WriteRefusal``: the store's, the rules', or the
    /// caller's own validation), nothing of it stays, and the refusal is recorded in the audit log in a transaction of its own, so the
    /// admin can see what the IdP tried and why it failed. Its target and detail quote the
    /// request, so each is cut to ``AuditEntry/idpTextLimit`` bytes.
    func auditedWrite<T>(
        _ audit: AuditContext,
        _ operation: String,
        _ target: AuditTarget,
        _ updates: (Database) throws -> T
    ) throws -> T {
        do {
            return try write(updates)
        } catch let refusal as any WriteRefusal {
            recordRefusal(audit, operation, target, detail: refusal.refusalDetail)
            throw refusal
        }
    }

    private func recordRefusal(_ audit: AuditContext, _ operation: String, _ target: AuditTarget, detail: String) {
        try? write { db in
            try audit.record(
                db,
                operation: operation,
                target: AuditEntry.capped(try target.text(db), toBytes: AuditEntry.idpTextLimit),
                outcome: "refused",
                detail: AuditEntry.capped(detail, toBytes: AuditEntry.idpTextLimit)
            )
        }
    }

    /// `scim_fold(text)`: Unicode lowercase, the same folding as the `*_key` columns, because
    /// SQLite's `lower()` and `LIKE` fold ASCII only.
    package static let foldFunction = DatabaseFunction("scim_fold", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0])?.nameKey
    }

    /// A read in the current snapshot, if any (see ``snapshot(_:)``).
    package func read<T>(_ body: (Database) throws -> T) throws -> T {
        let current = pthread_self()
        if let open = openSnapshot.withLock({ $0 }), pthread_equal(open.thread, current) != 0 { return try body(open.database) }
        return try connection.unsafeReentrantRead(body)
    }

    /// Waits for another process's write lock in steps of at most 1 ms, for about
    /// ``busyTimeout`` in all. SQLite's own busy timeout sleeps up to 100 ms at a time: writers
    /// of mod_fcgid's one-request processes, which cannot share a commit, waited a second at p99.
    static let waitForTheWriteLock: Database.BusyCallback = { tries in
        // 50 µs, 100 µs, … up to 1 ms a step: about 10 ms for the first 20 tries, then 1 ms each.
        usleep(UInt32(min(1_000, 50 * (tries + 1))))
        return tries < 20 + Int(busyTimeout * 1_000)
    }

    /// The schema version names applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try connection.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try connection.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// Whether `error` means the database stayed locked past the busy timeout (answer 503, not 500).
    public static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode)
    }
}

/// A snapshot's connection and the thread that may use it (only that one: ``DirectoryStore/read(_:)``
/// checks).
private struct OpenSnapshot: @unchecked Sendable {
    let thread: pthread_t
    let database: Database
}
