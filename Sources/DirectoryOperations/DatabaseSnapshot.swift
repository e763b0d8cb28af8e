import DirectoryStore
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A copy of the whole database in one SQLite file, as ``DirectoryStore/backup(to:)`` writes it
/// and ``DirectoryStore/restore(from:beforeReplacing:)`` reads it, with what it holds.
///
/// Having one means the file passed `PRAGMA integrity_check` and `PRAGMA foreign_key_check`, is
/// a ScimSync database this build can migrate, and holds exactly the tables, columns, indexes,
/// views and triggers this build's migrations make for the migrations it records.
public struct DatabaseSnapshot: Sendable, Equatable, Encodable {
    public var path: String
    /// The newest migration applied to the file.
    public var schema: String
    public var apps: Int
    public var directories: Int
    /// The directory view's users, groups and group memberships.
    public var users: Int
    public var groups: Int
    public var memberships: Int
    /// The users and groups of all IdP views.
    public var idpUsers: Int
    public var idpGroups: Int
    public var auditEntries: Int

    /// Checks `db`, the database of the file at `path`, and counts its contents; a refusal is a
    /// ``StoreError/invalid(_:)`` naming the problem.
    init(_ db: Database, path: String) throws {
        let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        guard integrity == ["ok"] else {
            throw StoreError.invalid("\(path) is damaged: integrity check says '\(integrity.first ?? "nothing")'")
        }
        let schema = try Self.appliedMigration(db, path: path)
        try SnapshotSchema.check(db, path: path, migration: schema)
        if let broken = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
            let table: String = broken[0]
            let parent: String = broken[2]
            let row = (broken[1] as Int64?).map(String.init) ?? "?"
            throw StoreError.invalid(
                "\(path) breaks a foreign key: row \(row) of table '\(table)' refers to a row of '\(parent)' that does not exist"
            )
        }
        func count(_ table: String) throws -> Int {
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
        }
        self.path = path
        self.schema = schema
        apps = try count("app")
        directories = try count("directory")
        users = try count("dir_user")
        groups = try count("dir_group")
        memberships = try count("dir_membership")
        idpUsers = try count("scim_user")
        idpGroups = try count("scim_group")
        auditEntries = try count("audit")
    }

    /// The newest of the file's migrations, once they are known to be the first migrations of
    /// this build, in order, with none missing.
    private static func appliedMigration(_ db: Database, path: String) throws -> String {
        guard try db.tableExists("grdb_migrations", in: "main") else {
            throw StoreError.invalid("\(path) is not a ScimSync database: it has no grdb_migrations table")
        }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        let known = Migrations.migrator.migrations
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError.invalid("\(path) comes from a newer ScimSync: this build does not know its migration \(unknown.joined(separator: ", "))")
        }
        guard applied.contains(known[0]) else {
            throw StoreError.invalid("\(path) is not a ScimSync database: it lacks the migration \(known[0])")
        }
        // Migrations only ever run in order, each once: anything else was written by hand.
        let expected = Array(known.prefix(applied.count))
        guard applied.sorted() == expected.sorted() else {
            throw StoreError.invalid(
                "\(path) has a migration history this build never writes: it records \(applied.joined(separator: ", ")), not \(expected.joined(separator: ", "))"
            )
        }
        return expected.last!
    }
}

extension DatabaseSnapshot {
    /// What a restore of this snapshot records in the audit.
    var auditDetail: String {
        "from \(path) (schema \(schema)): apps \(apps), directories \(directories), users \(users), groups \(groups)"
    }
}

extension DirectoryStore {
    /// Writes a consistent snapshot of the whole database to `path`, replacing any file there,
    /// while other connections go on writing.
    ///
    /// SQLite's online backup API copies every page in one step, inside one read transaction, so
    /// the copy is the database as of one instant. It is written to a temporary file beside
    /// `path`, created mode 0600 before the first page is in it (a snapshot holds personal data
    /// and token hashes), checked, synced and renamed: `path` is either the old file or the
    /// complete new one.
    @discardableResult
    public func backup(to path: String) throws -> DatabaseSnapshot {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporary = PrivateFile.temporaryPath(beside: path)
        defer { PrivateFile.removeDatabaseFiles(temporary) }
        try PrivateFile.create(temporary)
        let copy = try DatabaseQueue(path: temporary, configuration: ConnectionHardening.configuration())
        defer { try? copy.close() }
        try connection.backup(to: copy)
        let snapshot = try copy.writeWithoutTransaction { db in
            // The copy of a WAL database says WAL in its header; a snapshot is one file alone.
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            return try DatabaseSnapshot(db, path: path)
        }
        try copy.close()
        try Self.syncToDisk(temporary)
        guard rename(temporary, path) == 0 else { throw PrivateFile.error("cannot rename \(temporary) to \(path)") }
        try Self.syncToDisk(directory)
        return snapshot
    }

    /// Replaces the contents of this database with the snapshot file at `path`, while other
    /// connections (running responders) go on using it: they see the old contents, then the
    /// new ones, never a mix.
    ///
    /// The file is copied beside this database first (mode 0600), so it is never changed. The
    /// copy is checked (see ``DatabaseSnapshot``: its schema must be the one this build makes),
    /// migrated to the current schema, given this database's token revocations, deletions and
    /// shorter expiries, and an auth epoch above this database's; then SQLite's online backup
    /// API copies it in, in one write transaction. `beforeReplacing` is given this database's
    /// apps once the file is known to be good, and throws to refuse. The restore is audited as
    /// `actor`'s in the copy, so the entry arrives with the restored contents, or not at all.
    @discardableResult
    public func restore(from path: String, by actor: AdminActor, beforeReplacing: ([App]) throws -> Void) throws -> DatabaseSnapshot {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notFound(path) }
        let staging = "\(self.path).restore-\(UUID().uuidString)"
        defer { PrivateFile.removeDatabaseFiles(staging) }
        try PrivateFile.copy(path, to: staging)
        try Self.refusingBadFile(path) { try Self.rewrite(staging, withPagesOf: connection) }
        let copy = try Self.refusingBadFile(path) { try DirectoryStore(path: staging, migrate: false) }
        defer { try? copy.connection.close() }
        let snapshot = try Self.refusingBadFile(path) { try copy.connection.read { try DatabaseSnapshot($0, path: path) } }
        try Migrations.migrator.migrate(copy.connection)
        try copy.connection.read { try SnapshotData.check($0, path: path) }
        try beforeReplacing(try apps())
        // Read as late as possible: only a revocation committed between this read and the copy
        // (milliseconds) is overwritten, as is every other write of that moment.
        let carried = try TokenCarryOver(from: self)
        try copy.connection.write { db in
            try carried.apply(db)
            // A restore signs every web console admin out: no session of the snapshot's comes back.
            try db.execute(sql: "DELETE FROM admin_session")
            try AuditContext(actor).record(db, operation: "restore", target: "database", detail: snapshot.auditDetail)
        }
        try copy.connection.backup(to: connection)
        return snapshot
    }

    /// `body`, with SQLite's errors for a file that is no database or a damaged one turned into
    /// refusals naming `path`.
    private static func refusingBadFile<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.invalid("\(path) is not an SQLite database")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            throw StoreError.invalid("\(path) is damaged: \(error.message ?? "SQLite reports corruption")")
        }
    }

    /// Rewrites the database at `path` with the page size of `live`'s when the two differ: SQLite's
    /// backup API copies into a WAL database only between equal page sizes, and a snapshot may be
    /// older than this database (a build that created 4 KiB pages) or newer. `path` is a private
    /// copy that nothing else has open.
    private static func rewrite(_ path: String, withPagesOf live: DatabaseQueue) throws {
        let size = try live.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } ?? DirectoryStore.pageBytes
        let copy = try DatabaseQueue(path: path, configuration: ConnectionHardening.configuration())
        defer { try? copy.close() }
        try copy.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA page_size") != size else { return }
            // A WAL database keeps its page size through VACUUM.
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: "PRAGMA page_size = \(size)")
            try db.execute(sql: "VACUUM")
        }
    }

    /// fsync(2) of a file, or of a directory so that a rename in it survives a power cut.
    private static func syncToDisk(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw PrivateFile.error("cannot open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw PrivateFile.error("cannot sync \(path) to disk") }
    }
}
