import Foundation
import GRDB
import SyncRules
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
