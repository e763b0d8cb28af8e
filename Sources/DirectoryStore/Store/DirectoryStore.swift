import Foundation
import GRDB
import SCIM
import SyncRules

/// The SQLite database of ScimSync: directories, apps and tokens, each app's IdP view, the
/// directory view and the audit log.
///
/// Each `DirectoryStore` is one SQLite connection, meant for one thread: the responder opens
/// one per worker thread, so a request never waits for another thread's connection (a shared
/// pool hands every access between threads, which cost most of a GET's time). WAL mode lets
/// readers run beside the single writer; `synchronous = FULL` makes every committed transaction
/// durable before the service answers; write transactions are `IMMEDIATE`, so connections of
/// several threads and processes serialise on the write lock (waiting up to ``busyTimeout``)
/// instead of failing.
public final class DirectoryStore: Sendable {
    public static let busyTimeout: TimeInterval = 10

    package let connection: DatabaseQueue
    let authCache = AuthCache()
    let crowdAuthCache = CrowdAuthCache()
    /// Time spent in transactions, for the responder's log and metrics.
    public let meter = TransactionMeter()
    public let path: String
    /// Memberships (or members) one batch of group work handles (``GroupWork``).
    public let groupBatchSize: Int

    /// Opens (creating if needed, mode 0600) the database at `path` and, unless `migrate` is
    /// false, brings it to the current schema. The connection is hardened (see
    /// ``ConnectionHardening``).
    public init(path: String, migrate: Bool = true, groupBatchSize: Int = GroupWork.batchSize) throws {
        self.groupBatchSize = max(groupBatchSize, 1)
        var configuration = ConnectionHardening.configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            db.add(function: Self.foldFunction)
        }
        // SQLite would create a missing file with the umask's mode, and its WAL with the same.
        try PrivateFile.createIfMissing(path)
        self.path = path
        connection = try DatabaseQueue(path: path, configuration: configuration)
        if migrate {
            try Migrations.migrator.migrate(connection)
        }
    }

    /// Runs `body` inside one read transaction, so every read it makes sees the same snapshot
    /// and the WAL read lock is taken once; nested calls join the outer transaction.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        try connection.unsafeReentrantRead { db in
            guard !db.isInsideTransaction else { return try body() }
            let started = ContinuousClock.now
            defer { meter.read(since: started) }
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            do {
                let result = try body()
                try db.cachedStatement(sql: "COMMIT").execute()
                return result
            } catch {
                try? db.cachedStatement(sql: "ROLLBACK").execute()
                throw error
            }
        }
    }

    /// Runs `updates` in one IMMEDIATE transaction.
    ///
    /// Threads of this process queue on ``writeGate`` for the write lock, which hands over at
    /// once; only other processes meet SQLite's busy handler, which polls with sleeps.
    package func write<T>(_ updates: (Database) throws -> T) throws -> T {
        let requested = ContinuousClock.now
        Self.writeGate.lock()
        defer { Self.writeGate.unlock() }
        // Unset if the lock never came (busy past the timeout): all of it was waiting.
        var (began, worked): (ContinuousClock.Instant?, ContinuousClock.Instant?) = (nil, nil)
        defer { meter.write(requested: requested, began: began ?? .now, worked: worked ?? .now) }
        return try connection.write { db in
            began = .now
            defer { worked = .now }
            return try updates(db)
        }
    }

    /// Runs `updates` in one IMMEDIATE transaction that commits only when `commit` is true: a dry
    /// run makes every change, reports it, and leaves nothing behind.
    package func transaction<T>(commit: Bool, _ updates: (Database) throws -> T) throws -> T {
        Self.writeGate.lock()
        defer { Self.writeGate.unlock() }
        return try connection.inDatabase { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try updates(db)
                return commit ? .commit : .rollback
            }
            return result!
        }
    }

    /// A SCIM write: when it is refused (a SCIM error, or the rules' ``RuleRefusal``), nothing of
    /// it stays, and the refusal is recorded in the audit log in a transaction of its own, so the
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
        } catch let error as ScimError {
            recordRefusal(audit, operation, target, detail: error.detail)
            throw error
        } catch let refusal as RuleRefusal {
            recordRefusal(audit, operation, target, detail: refusal.detail)
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

    private static let writeGate = NSLock()

    /// `scim_fold(text)`: Unicode lowercase, the same folding as the `*_key` columns, because
    /// SQLite's `lower()` and `LIKE` fold ASCII only.
    package static let foldFunction = DatabaseFunction("scim_fold", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0])?.nameKey
    }

    /// A read in the current snapshot, if any (see ``snapshot(_:)``).
    package func read<T>(_ body: (Database) throws -> T) throws -> T {
        try connection.unsafeReentrantRead(body)
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
