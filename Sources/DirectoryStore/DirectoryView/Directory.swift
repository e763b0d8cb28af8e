import Foundation
import GRDB
import SCIM
import SyncRules

/// A named container of users and groups (Crowd's model).
public struct Directory: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var createdAt: String
}

extension DirectoryStore {
    /// Creates a directory; names are unique ignoring case.
    @discardableResult
    public func createDirectory(name: String, by actor: AdminActor) throws -> Directory {
        try write { db in try Self.createDirectory(db, name: name, by: actor) }
    }

    /// Renames a directory; its users, groups and apps stay with it.
    public func renameDirectory(_ name: String, to newName: String, by actor: AdminActor) throws {
        let newName = try Self.validName(newName, of: "directory")
        try write { db in
            guard let directory = try Self.directory(db, named: name) else { throw StoreError.notFound("directory '\(name)'") }
            if let holder = try Self.directory(db, named: newName), holder.id != directory.id {
                throw StoreError.duplicate("directory '\(holder.name)'")
            }
            guard newName != directory.name else { return }
            try db.execute(
                sql: "UPDATE directory SET name = ?, name_key = ? WHERE id = ?",
                arguments: [newName, newName.nameKey, directory.id]
            )
            try AuditContext(actor).record(
                db,
                operation: "directory.rename",
                target: "Directory \(newName)",
                detail: "renamed from \(directory.name)"
            )
        }
    }

    /// The directory named `name`; when there is none, a new one if `creator` is given (audited as
    /// theirs), else a ``StoreError/notFound(_:)``.
    package static func directory(_ db: Database, named name: String, creatingAs creator: AdminActor?) throws -> Directory {
        if let directory = try directory(db, named: name) { return directory }
        guard let creator else { throw StoreError.notFound("directory '\(name)'") }
        return try createDirectory(db, name: name, by: creator)
    }

    private static func createDirectory(_ db: Database, name: String, by actor: AdminActor) throws -> Directory {
        let directory = try insertDirectory(db, name: name)
        try AuditContext(actor).record(db, operation: "directory.create", target: "Directory \(directory.name)")
        return directory
    }

    package static func insertDirectory(_ db: Database, name: String) throws -> Directory {
        let name = try validName(name, of: "directory")
        guard try directory(db, named: name) == nil else { throw StoreError.duplicate("directory '\(name)'") }
        let now = Timestamp.now()
        try db.execute(
            sql: "INSERT INTO directory (name, name_key, created_at) VALUES (?, ?, ?)",
            arguments: [name, name.nameKey, now]
        )
        return Directory(id: db.lastInsertedRowID, name: name, createdAt: now)
    }

    public func directories() throws -> [Directory] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM directory ORDER BY name_key").map(Self.directory)
        }
    }

    public func directory(named name: String) throws -> Directory? {
        try read { db in try Self.directory(db, named: name) }
    }

    package static func directory(_ db: Database, named name: String) throws -> Directory? {
        try Row.fetchOne(
            db,
            sql: "SELECT id, name, created_at FROM directory WHERE name_key = ?",
            arguments: [name.nameKey]
        ).map(directory)
    }

    private static func directory(_ row: Row) -> Directory {
        Directory(id: row["id"], name: row["name"], createdAt: row["created_at"])
    }

    static func validName(_ name: String, of kind: String) throws -> String {
        do {
            return try DirectoryName.validated(name)
        } catch {
            throw StoreError.invalid("a \(kind) name \(error)")
        }
    }
}
