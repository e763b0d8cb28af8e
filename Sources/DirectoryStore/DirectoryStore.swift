import Foundation
import GRDB

/// The SQLite database of ScimSync: directories, apps and tokens, each app's IdP view, the
/// directory view and the audit log.
///
/// One `DirectoryStore` per process, shared by all threads. WAL mode lets readers run beside the
/// single writer; `synchronous = FULL` makes every committed transaction durable before the
/// service answers; write transactions are `IMMEDIATE`, so several processes on one file
/// serialise on the write lock (waiting up to ``busyTimeout``) instead of failing.
public final class DirectoryStore: Sendable {
    public static let busyTimeout: TimeInterval = 10

    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public init(path: String, readonly: Bool = false) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.readonly = readonly
        configuration.maximumReaderCount = 16
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = path
        pool = try DatabasePool(path: path, configuration: configuration)
        if !readonly {
            try Migrations.migrator.migrate(pool)
        }
    }

    /// The schema version names applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// Whether `error` means the database stayed locked past the busy timeout (answer 503, not 500).
    public static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode)
    }
}
