import Foundation
import GRDB
import SCIM

/// An application that reads the directory through Crowd's REST API (Crowd's "application"):
/// it sees its directories in order, from the addresses it is allowed.
public struct CrowdClient: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var enabled: Bool
    /// Directory names, in the order lookups try them (the first holding a name wins).
    public var directories: [String]
    /// CIDR ranges the client may call from; empty: any address.
    public var allowedAddresses: [String]
    public var createdAt: String
}

extension DirectoryStore {
    /// Creates a client and returns it with its password (shown once; only its hash is kept).
    public func createCrowdClient(
        name: String,
        directories: [String],
        allowedAddresses: [String],
        by actor: AdminActor
    ) throws -> (client: CrowdClient, password: String) {
        let name = try Self.validName(name, of: "client")
        guard !directories.isEmpty else { throw StoreError.invalid("a client needs at least one --directory") }
        let ranges = try allowedAddresses.map(Self.addressRange)
        let password = CrowdPassword.generate()
        let hash = try CrowdPassword.hash(password)
        let client = try write { db in
            guard try Self.crowdClientRow(db, named: name) == nil else { throw StoreError.duplicate("client '\(name)'") }
            let directoryIDs = try directories.map { try Self.existingDirectory(db, $0).id }
            guard Set(directoryIDs).count == directoryIDs.count else { throw StoreError.invalid("a directory is named twice") }
            try db.execute(
                sql: "INSERT INTO crowd_client (name, name_key, password_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, name.nameKey, hash, Timestamp.now()]
            )
            let id = db.lastInsertedRowID
            for (position, directoryID) in directoryIDs.enumerated() {
                try db.execute(
                    sql: "INSERT INTO crowd_client_directory (client_id, position, directory_id) VALUES (?, ?, ?)",
                    arguments: [id, position, directoryID]
                )
            }
            for range in Set(ranges.map(\.description)) {
                try db.execute(sql: "INSERT INTO crowd_client_address (client_id, cidr) VALUES (?, ?)", arguments: [id, range])
            }
            let client = try Self.crowdClient(db, id: id)
            try AuditContext(actor).record(
                db,
                operation: "crowd.client.create",
                target: "Client \(client.name)",
                detail: Self.describe(client)
            )
            return client
        }
        return (client, password)
    }

    /// Every client, by name.
    public func crowdClients() throws -> [CrowdClient] {
        try read { db in try Self.crowdClients(db) }
    }

    package static func crowdClients(_ db: Database) throws -> [CrowdClient] {
        try Int64.fetchAll(db, sql: "SELECT id FROM crowd_client ORDER BY name_key").map { try crowdClient(db, id: $0) }
    }

    /// Makes the client `name` (created if missing) see `directories` in order from `addresses`,
    /// `enabled`, with `passwordHash` if given (a new client without one gets an unusable hash:
    /// `rotate-password` gives it a password). Returns whether anything changed.
    package static func storeCrowdClient(
        _ db: Database,
        name: String,
        directories: [String],
        addresses: [String],
        enabled: Bool,
        passwordHash: String?
    ) throws -> Bool {
        let ranges = try Set(addresses.map { try addressRange($0).description }).sorted()
        let directoryIDs = try directories.map { try existingDirectory(db, $0).id }
        guard Set(directoryIDs).count == directoryIDs.count else { throw StoreError.invalid("client '\(name)' names a directory twice") }
        let row = try crowdClientRow(db, named: name)
        let before = try row.map { try crowdClient(db, id: $0["id"]) }
        let oldHash: String? = row?["password_hash"]
        let id: Int64
        if let before {
            id = before.id
            try db.execute(
                sql: "UPDATE crowd_client SET enabled = ?, password_hash = ? WHERE id = ?",
                arguments: [enabled, passwordHash ?? oldHash, id]
            )
        } else {
            let name = try validName(name, of: "client")
            try db.execute(
                sql: "INSERT INTO crowd_client (name, name_key, password_hash, enabled, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, name.nameKey, passwordHash ?? "none", enabled, Timestamp.now()]
            )
            id = db.lastInsertedRowID
        }
        try db.execute(sql: "DELETE FROM crowd_client_directory WHERE client_id = ?", arguments: [id])
        for (position, directoryID) in directoryIDs.enumerated() {
            try db.execute(
                sql: "INSERT INTO crowd_client_directory (client_id, position, directory_id) VALUES (?, ?, ?)",
                arguments: [id, position, directoryID]
            )
        }
        try db.execute(sql: "DELETE FROM crowd_client_address WHERE client_id = ?", arguments: [id])
        for range in ranges {
            try db.execute(sql: "INSERT INTO crowd_client_address (client_id, cidr) VALUES (?, ?)", arguments: [id, range])
        }
        let after = try crowdClient(db, id: id)
        let passwordChanged = passwordHash != nil && passwordHash != oldHash
        guard let before else { return true }
        return passwordChanged || before.directories != after.directories || before.allowedAddresses != after.allowedAddresses
            || before.enabled != after.enabled
    }

    public func crowdClient(named name: String) throws -> CrowdClient? {
        try read { db in try Self.crowdClientRow(db, named: name).map { try Self.crowdClient(db, id: $0["id"]) } }
    }

    /// A new password for the client; the old one stops working at once.
    public func rotateCrowdClientPassword(_ name: String, by actor: AdminActor) throws -> String {
        let password = CrowdPassword.generate()
        let hash = try CrowdPassword.hash(password)
        try write { db in
            let client = try Self.existingCrowdClient(db, name)
            try db.execute(sql: "UPDATE crowd_client SET password_hash = ? WHERE id = ?", arguments: [hash, client.id])
            try AuditContext(actor).record(db, operation: "crowd.client.rotate-password", target: "Client \(client.name)")
        }
        return password
    }

    /// A disabled client's requests are refused (401) until it is enabled again.
    public func setCrowdClientEnabled(_ name: String, enabled: Bool, by actor: AdminActor) throws {
        try write { db in
            let client = try Self.existingCrowdClient(db, name)
            guard client.enabled != enabled else { return }
            try db.execute(sql: "UPDATE crowd_client SET enabled = ? WHERE id = ?", arguments: [enabled, client.id])
            try AuditContext(actor).record(
                db,
                operation: enabled ? "crowd.client.enable" : "crowd.client.disable",
                target: "Client \(client.name)"
            )
        }
    }

    public func deleteCrowdClient(_ name: String, by actor: AdminActor) throws {
        try write { db in
            let client = try Self.existingCrowdClient(db, name)
            try db.execute(sql: "DELETE FROM crowd_client WHERE id = ?", arguments: [client.id])
            try AuditContext(actor).record(db, operation: "crowd.client.delete", target: "Client \(client.name)")
        }
    }

    static func existingCrowdClient(_ db: Database, _ name: String) throws -> CrowdClient {
        guard let row = try crowdClientRow(db, named: name) else { throw StoreError.notFound("client '\(name)'") }
        return try crowdClient(db, id: row["id"])
    }

    package static func crowdClientRow(_ db: Database, named name: String) throws -> Row? {
        try Row.fetchOne(db, sql: "SELECT id, password_hash FROM crowd_client WHERE name_key = ?", arguments: [name.nameKey])
    }

    static func crowdClient(_ db: Database, id: Int64) throws -> CrowdClient {
        let row = try Row.fetchOne(db, sql: "SELECT id, name, enabled, created_at FROM crowd_client WHERE id = ?", arguments: [id])!
        let directories = try String.fetchAll(
            db,
            sql: """
                SELECT d.name FROM crowd_client_directory c JOIN directory d ON d.id = c.directory_id
                WHERE c.client_id = ? ORDER BY c.position
                """,
            arguments: [id]
        )
        let addresses = try String.fetchAll(db, sql: "SELECT cidr FROM crowd_client_address WHERE client_id = ? ORDER BY cidr", arguments: [id])
        return CrowdClient(
            id: id,
            name: row["name"],
            enabled: row["enabled"],
            directories: directories,
            allowedAddresses: addresses,
            createdAt: row["created_at"]
        )
    }

    static func addressRange(_ text: String) throws -> AddressRange {
        guard let range = AddressRange(text) else {
            throw StoreError.invalid("'\(text)' is not an address range: write an IPv4 or IPv6 address with an optional /prefix (10.0.0.0/8)")
        }
        return range
    }

    private static func describe(_ client: CrowdClient) -> String {
        let addresses = client.allowedAddresses.isEmpty ? "any address" : client.allowedAddresses.joined(separator: ", ")
        return "directories \(client.directories.joined(separator: ", ")); addresses \(addresses)"
    }
}
