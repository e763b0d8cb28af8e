import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A copy of the whole database in one SQLite file, as ``DirectoryStore/backup(to:)`` writes it
/// and ``DirectoryStore/restore(from:beforeReplacing:)`` reads it, with what it holds.
///
/// Having one means the file passed `PRAGMA integrity_check` and is a ScimSync database this
/// build can migrate.
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
        guard try db.tableExists("grdb_migrations") else {
            throw StoreError.invalid("\(path) is not a ScimSync database: it has no grdb_migrations table")
        }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        let known = Migrations.migrator.migrations
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError.invalid("\(path) comes from a newer ScimSync: this build does not know its migration \(unknown.joined(separator: ", "))")
        }
        guard let schema = known.last(where: applied.contains), applied.contains(known[0]) else {
            throw StoreError.invalid("\(path) is not a ScimSync database: it lacks the migration \(known[0])")
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
    /// `path`, checked, synced and renamed: `path` is either the old file or the complete new one.
    @discardableResult
    public func backup(to path: String) throws -> DatabaseSnapshot {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).\(UUID().uuidString).tmp"
        defer { Self.removeDatabaseFiles(temporary) }
        let copy = try DatabaseQueue(path: temporary)
        defer { try? copy.close() }
        try connection.backup(to: copy)
        let snapshot = try copy.writeWithoutTransaction { db in
            // The copy of a WAL database says WAL in its header; a snapshot is one file alone.
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            return try DatabaseSnapshot(db, path: path)
        }
        try copy.close()
        // It holds the directory's personal data and token hashes.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary)
        try Self.syncToDisk(temporary)
        guard rename(temporary, path) == 0 else { throw Self.fileError("cannot rename \(temporary) to \(path)") }
        try Self.syncToDisk(directory)
        return snapshot
    }

    /// Replaces the contents of this database with the snapshot file at `path`, while other
    /// connections (running responders) go on using it: they see the old contents, then the
    /// new ones, never a mix.
    ///
    /// The file is copied beside this database first, so it is never changed. The copy is
    /// checked (see ``DatabaseSnapshot``), migrated to the current schema and given an auth
    /// epoch above this database's; then SQLite's online backup API copies it in, in one write
    /// transaction. `beforeReplacing` is given this database's apps once the file is known to
    /// be good, and throws to refuse. The restore is audited as `actor`'s in the copy, so the entry
    /// arrives with the restored contents, or not at all.
    @discardableResult
    public func restore(from path: String, by actor: AdminActor, beforeReplacing: ([App]) throws -> Void) throws -> DatabaseSnapshot {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notFound(path) }
        let staging = "\(self.path).restore-\(UUID().uuidString)"
        defer { Self.removeDatabaseFiles(staging) }
        try FileManager.default.copyItem(atPath: path, toPath: staging)
        let copy = try Self.refusingBadFile(path) { try DirectoryStore(path: staging, migrate: false) }
        defer { try? copy.connection.close() }
        let snapshot = try Self.refusingBadFile(path) { try copy.connection.read { try DatabaseSnapshot($0, path: path) } }
        try beforeReplacing(try apps())
        try Migrations.migrator.migrate(copy.connection)
        // Responders drop their cached tokens only when the epoch changes: an epoch equal to the
        // current one would keep this database's grants alive after the copy.
        let epoch = try connection.read { try Int64.fetchOne($0, sql: "SELECT value FROM auth_epoch") ?? 0 }
        try copy.connection.write { db in
            try db.execute(sql: "UPDATE auth_epoch SET value = max(value, ?) + 1", arguments: [epoch])
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

    /// Removes an SQLite file and the journals SQLite may leave beside it.
    private static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    /// fsync(2) of a file, or of a directory so that a rename in it survives a power cut.
    private static func syncToDisk(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw fileError("cannot open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw fileError("cannot sync \(path) to disk") }
    }

    private static func fileError(_ what: String) -> StoreError {
        .invalid("\(what): \(String(cString: strerror(errno)))")
    }
}
