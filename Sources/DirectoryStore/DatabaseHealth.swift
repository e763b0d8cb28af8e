import Foundation
import GRDB

/// What a load balancer needs to know of the database: can it be read, can it be written, and
/// is its schema the one this build serves. Nothing of its content.
public struct DatabaseHealth: Sendable, Equatable {
    public var readable: Bool
    public var writable: Bool
    public var schemaCurrent: Bool
    /// Why it is not healthy (a SQLite error, no data), or nil.
    public var problem: String?

    public var healthy: Bool { readable && writable && schemaCurrent }

    /// Checks the database at `path` on a connection of its own, opened for the check: a
    /// connection opened earlier keeps the write access it had (a file made read-only or
    /// immutable since is still written through it), a new one sees the file as it is now.
    /// Writing is proved by taking the write lock (`BEGIN IMMEDIATE`) and letting it go, which
    /// SQLite refuses on a file it could open read-only only; nothing is written. A database
    /// whose write lock is held past `busyTimeout` counts as writable: another writer holds it.
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
}
