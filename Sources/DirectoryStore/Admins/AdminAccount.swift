import Foundation
import GRDB
import SyncRules

/// Someone who may sign in to the admin web console.
public struct AdminAccount: Sendable, Equatable, Codable {
    /// What an admin may do in the console.
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Everything the admin tool can do.
        case admin
        /// Reads every screen, changes nothing.
        case readOnly = "read-only"
    }

    public var id: Int64
    public var name: String
    public var role: Role
    public var createdAt: String
}

extension DirectoryStore {
    /// Creates an admin account; the password is kept only as its ``PasswordHash``.
    @discardableResult
    public func createAdmin(name: String, password: String, role: AdminAccount.Role, by actor: AdminActor) throws -> AdminAccount {
        let name = try Self.validName(name, of: "admin")
        let hash = try Self.passwordHash(password)
        return try write { db in
            guard try Self.admin(db, named: name) == nil else { throw StoreError.duplicate("admin '\(name)'") }
            try db.execute(
                sql: "INSERT INTO admin (name, name_key, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, name.nameKey, role.rawValue, hash, Timestamp.now()]
            )
            try AuditContext(actor).record(db, operation: "admin.create", target: "Admin \(name)", detail: "role \(role.rawValue)")
            return try Self.admin(db, named: name)!
        }
    }

    public func admins() throws -> [AdminAccount] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM admin ORDER BY name_key").map(Self.admin) }
    }

    /// Sets a new password and signs the admin out everywhere.
    public func resetAdminPassword(name: String, password: String, by actor: AdminActor) throws {
        let hash = try Self.passwordHash(password)
        try write { db in
            guard let admin = try Self.admin(db, named: name) else { throw StoreError.notFound("admin '\(name)'") }
            try db.execute(sql: "UPDATE admin SET password_hash = ? WHERE id = ?", arguments: [hash, admin.id])
            try db.execute(sql: "DELETE FROM admin_session WHERE admin_id = ?", arguments: [admin.id])
            try AuditContext(actor).record(db, operation: "admin.reset-password", target: "Admin \(admin.name)")
        }
    }

    /// Deletes the account and its sessions.
    public func deleteAdmin(name: String, by actor: AdminActor) throws {
        try write { db in
            guard let admin = try Self.admin(db, named: name) else { throw StoreError.notFound("admin '\(name)'") }
            try db.execute(sql: "DELETE FROM admin WHERE id = ?", arguments: [admin.id])
            try AuditContext(actor).record(db, operation: "admin.delete", target: "Admin \(admin.name)")
        }
    }

    /// The account, if `password` is its password. The hash is computed even for an unknown name,
    /// so the time taken does not tell which names exist.
    public func checkAdminPassword(name: String, password: String) throws -> AdminAccount? {
        guard password.utf8.count <= PasswordHash.maxPasswordBytes else { return nil }
        let found = try read { db -> (AdminAccount, String)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM admin WHERE name_key = ?", arguments: [name.nameKey]) else {
                return nil
            }
            return (Self.admin(row), row["password_hash"])
        }
        let matches = PasswordHash.verify(password, against: found?.1 ?? Self.unknownAdminHash)
        guard let (account, _) = found, matches else { return nil }
        return account
    }

    /// A hash no password matches, made once, verified for names that have no account.
    private static let unknownAdminHash: String = (try? PasswordHash.make(PasswordHash.generate())) ?? ""

    private static func passwordHash(_ password: String) throws -> String {
        if let problem = PasswordHash.problem(password) { throw StoreError.invalid(problem) }
        return try PasswordHash.make(password)
    }

    static func admin(_ db: Database, named name: String) throws -> AdminAccount? {
        try Row.fetchOne(db, sql: "SELECT * FROM admin WHERE name_key = ?", arguments: [name.nameKey]).map(admin)
    }

    static func admin(_ row: Row) -> AdminAccount {
        AdminAccount(id: row["id"], name: row["name"], role: AdminAccount.Role(rawValue: row["role"]) ?? .readOnly, createdAt: row["created_at"])
    }
}
