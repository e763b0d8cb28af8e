import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// What a load balancer needs to know of the database: can it be read, can it be written, and
/// is its schema the one this build serves. Nothing of its content.
public struct DatabaseHealth: Sendable, Equatable {
    public var readable: Bool
    public var writable: Bool
    public var schemaCurrent: Bool
    /// Why it is not healthy (a SQLite error, no data), or nil.
    public var problem: String?

    public var healthy: Bool { readable && writable && schemaCurrent }

    public init(readable: Bool, writable: Bool, schemaCurrent: Bool, problem: String? = nil) {
        self.readable = readable
        self.writable = writable
        self.schemaCurrent = schemaCurrent
        self.problem = problem
    }

    /// Checks the database at `path`. Writable means: the kernel would let this process open the
    /// database, its WAL and shared-memory files and their directory for writing now
    /// (`access(2)`, which also refuses root an immutable file or a read-only mount: connections
    /// opened earlier keep the access they had, and SQLite hands a new connection a descriptor
    /// they left), and the write lock can be taken (`BEGIN IMMEDIATE`, then `ROLLBACK`: nothing
    /// is written). A write lock held past `busyTimeout` counts as writable: another writer has it.
    /// Readable and the schema are checked on a connection opened for the check.
    public static func check(path: String, busyTimeout: TimeInterval = 2) -> DatabaseHealth {
        var health = DatabaseHealth(readable: false, writable: false, schemaCurrent: false)
        guard FileManager.default.fileExists(atPath: path) else {
            health.problem = "no database file"
            return health
        }
        do {
            var configuration = ConnectionHardening.configuration()
            configuration.busyMode = .timeout(busyTimeout)
            let connection = try DatabaseQueue(path: path, configuration: configuration)
            try connection.inDatabase { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                health.readable = true
                health.schemaCurrent =
                    try Migrations.migrator.hasCompletedMigrations(db) && !(try Migrations.migrator.hasBeenSuperseded(db))
                if let refusal = writeRefusal(path) {
                    health.problem = refusal
                    return
                }
                do {
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    try db.execute(sql: "ROLLBACK")
                    health.writable = true
                } catch  where DirectoryStore.isBusy(error) {
                    health.writable = true
                }
            }
        } catch {
            health.problem = "\(error)"
        }
        if health.problem == nil, !health.schemaCurrent { health.problem = "schema not current: run scimsync init" }
        return health
    }

    /// Why the kernel would not let this process write the database's files, or nil.
    private static func writeRefusal(_ path: String) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        let files = [path, path + "-wal", path + "-shm"].filter { FileManager.default.fileExists(atPath: $0) }
        for file in files + [directory.isEmpty ? "." : directory] where access(file, W_OK) != 0 {
            return "\(file) is not writable: \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
