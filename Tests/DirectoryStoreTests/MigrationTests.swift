import Foundation
import GRDB
import SyncRules
import TestSupport
import Testing

@testable import DirectoryStore

/// Upgrading a database made by an earlier schema keeps what its apps did: the safer defaults of
/// v3 are for new apps only.
@Suite struct MigrationTests {
    @Test func appsOfASchemaV2DatabaseKeepTheOldDefaults() throws {
        let temporary = try TemporaryDirectory()
        let path = temporary.path("v2.sqlite")
        let old = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(old, upTo: "v2-sync-rules")
        try old.write { db in
            try db.execute(sql: "INSERT INTO directory (id, name, name_key, created_at) VALUES (1, 'Corp', 'corp', '2026-01-01T00:00:00.000Z')")
            for (name, rules) in [("plain", "{}"), ("chosen", #"{"userSync":{"onDelete":"deactivate"}}"#)] {
                try db.execute(
                    sql: """
                        INSERT INTO app (name, name_key, provider, directory_id, rules, created_at)
                        VALUES (?, ?, 'okta', 1, ?, '2026-01-01T00:00:00.000Z')
                        """,
                    arguments: [name, name, rules]
                )
            }
        }
        try old.close()

        let store = try DirectoryStore(path: path)
        #expect(try store.appliedMigrations() == Migrations.migrator.migrations)
        let plain = try store.rules(app: "plain").userSync
        #expect(plain.onDelete == .delete && plain.existingUsers == .adopt, "the defaults the app had")
        let chosen = try store.rules(app: "chosen").userSync
        #expect(chosen.onDelete == .deactivate && chosen.existingUsers == .adopt, "an explicit setting is kept")

        try store.createApp(name: "fresh", provider: .okta, directoryName: "Corp", createDirectory: false, by: .test)
        let fresh = try store.rules(app: "fresh").userSync
        #expect(fresh.onDelete == .deactivate && fresh.existingUsers == .refuse, "a new app gets the new defaults")
        #expect(try store.directoryGroups(directory: "Corp").isEmpty)
    }
}

/// Schema v4 on a database the v3 build made (Fixtures/schema-v3.sqlite, see its script): the
/// memberships a deleted app left behind are gone, everything else is as it was.
@Suite struct StructuralOriginMigrationTests {
    /// The tables whose rows v4 carries over unchanged (it rebuilds some of them).
    static let keptTables = [
        "directory", "app", "app_token", "scim_user", "scim_user_email", "scim_group", "scim_member",
        "dir_user", "dir_group", "audit", "setting", "token_tombstone",
    ]

    static func fixturePath() throws -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/schema-v3.sqlite").path
    }

    static func fixtureCopy(in temporary: TemporaryDirectory) throws -> String {
        let path = temporary.path("v3.sqlite")
        try FileManager.default.copyItem(atPath: try fixturePath(), toPath: path)
        return path
    }

    /// The rows of the kept tables, by the columns the fixture's schema has (later migrations may add some).
    static func rows(_ path: String) throws -> [String: [[DatabaseValue]]] {
        let fixture = try DatabaseQueue(path: try fixturePath())
        defer { try? fixture.close() }
        let columns = try fixture.read { db in
            try Dictionary(uniqueKeysWithValues: keptTables.map { ($0, try db.columns(in: $0).map(\.name).joined(separator: ", ")) })
        }
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            var tables: [String: [[DatabaseValue]]] = [:]
            for table in keptTables {
                let order = try db.primaryKey(table).columns.joined(separator: ", ")
                tables[table] = try Row.fetchAll(db, sql: "SELECT \(columns[table]!) FROM \(table) ORDER BY \(order)").map {
                    Array($0.databaseValues)
                }
            }
            return tables
        }
    }

    @Test func orphansGoAndEverythingElseStays() throws {
        let temporary = try TemporaryDirectory()
        let path = try Self.fixtureCopy(in: temporary)
        let before = try Self.rows(path)
        #expect(before["app"]?.count == 1, "the fixture's app 'gone' is deleted")

        let store = try DirectoryStore(path: path)
        #expect(try store.appliedMigrations() == Migrations.migrator.migrations)
        #expect(try Self.rows(path) == before)

        func members(_ group: String) throws -> [String: [String]] {
            Dictionary(uniqueKeysWithValues: try store.directoryGroupMembers(group: group, directory: "corp").map { ($0.name, $0.origins) })
        }
        #expect(try members("Engineering") == ["alice": ["app okta1: IdP group Engineering"], "bob": ["app okta1: IdP group Engineering"]])
        #expect(try members("Admins") == ["bob": ["admin"]])
        #expect(try members("Everyone").isEmpty, "the deleted app's default group")
        #expect(try members("Contractors").isEmpty, "the deleted app's IdP group")
        let (violations, integrity) = try store.connection.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check"), try String.fetchOne(db, sql: "PRAGMA integrity_check"))
        }
        #expect(violations.isEmpty && integrity == "ok")
    }

    @Test func appIdsAreNeverReusedAndAnAppTakesItsMembershipsAlong() throws {
        let temporary = try TemporaryDirectory()
        let store = try DirectoryStore(path: try Self.fixtureCopy(in: temporary))
        try store.createApp(name: "newcomer", provider: .generic, directoryName: "corp", createDirectory: false, by: .test)
        let ids = try store.connection.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM app ORDER BY id") }
        #expect(ids == [1, 3], "id 2 was the deleted app's, which the audit still names")

        try store.deleteApp("okta1", by: .test)
        #expect(try store.directoryGroupMembers(group: "Engineering", directory: "corp").isEmpty)
        #expect(try store.directoryGroupMembers(group: "Admins", directory: "corp").map(\.name) == ["bob"])
    }
}
