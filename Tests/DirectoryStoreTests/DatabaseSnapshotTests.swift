import Foundation
import GRDB
import SCIM
import Testing

@testable import DirectoryStore

@Suite struct DatabaseSnapshotTests {
    /// A store with an app "okta" and `users` users, and its first token.
    private func populated(users: Int = 3) throws -> (fixture: StoreFixture, token: String) {
        let fixture = try StoreFixture()
        let (app, token) = try fixture.app("okta")
        for n in 0..<users {
            try fixture.createUser(app, userBody(#""userName":"user\#(n)@example.com","displayName":"User \#(n)""#))
        }
        return (fixture, token)
    }

    private func epoch(_ store: DirectoryStore) throws -> Int64 {
        try store.connection.read { try Int64.fetchOne($0, sql: "SELECT value FROM auth_epoch") ?? -1 }
    }

    /// Runs `body` on a plain connection to the SQLite file at `path`.
    private func edit(_ path: String, _ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction(body)
        try queue.close()
    }

    @Test func backupIsOneSoundFileAndCountsItsContents() throws {
        let (fixture, _) = try populated()
        let path = fixture.temporary.path("backup.sqlite")
        let snapshot = try fixture.store.backup(to: path)
        #expect(snapshot.path == path)
        #expect(snapshot.schema == Migrations.migrator.migrations.last)
        #expect([snapshot.apps, snapshot.directories, snapshot.idpUsers, snapshot.users] == [1, 1, 3, 3] as [Int])
        // The directory, app and token the fixture made, and the three users.
        #expect(snapshot.auditEntries == 6)

        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.temporary.url.path)
        #expect(files.filter { !$0.hasPrefix("scimsync.sqlite") } == ["backup.sqlite"], "no temporary file left")
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func backupReplacesAnExistingFileWhole() throws {
        let (fixture, _) = try populated(users: 1)
        let path = fixture.temporary.path("backup.sqlite")
        try Data(repeating: 0x41, count: 1 << 20).write(to: URL(fileURLWithPath: path))
        #expect(try fixture.store.backup(to: path).idpUsers == 1)
        #expect(try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test func restoreReplacesTheContentsUnderAnOpenConnectionAndItsTokenCache() throws {
        let (source, token) = try populated()
        let file = source.temporary.path("backup.sqlite")
        try source.store.backup(to: file)
        try source.store.createDirectory(name: "made after the backup", by: .test)

        let target = try StoreFixture()
        try target.store.createDirectory(name: "Replaced", by: .test)
        // A responder's connection that cached "unknown token" at the backup's own epoch.
        let backupEpoch = try epoch(source.store)
        try target.store.connection.write { try $0.execute(sql: "UPDATE auth_epoch SET value = ?", arguments: [backupEpoch]) }
        let responder = try DirectoryStore(path: target.path)
        #expect(try responder.authenticate(appName: "okta", secret: token) == nil)

        var offered: [App]?
        let snapshot = try target.store.restore(from: file, by: .test) { offered = $0 }
        #expect(offered == [])
        #expect(snapshot.idpUsers == 3)
        #expect(try epoch(target.store) > backupEpoch)
        let app = try #require(try responder.authenticate(appName: "okta", secret: token))
        let page = try responder.scimUsers(appID: app.id, query: try ListQuery.parse([:], resourceType: .user))
        #expect(page.totalResults == 3)
        #expect(try responder.directories().map(\.name) == ["Corp"])
        #expect(try responder.integrityCheck() == "ok")
        let files = try FileManager.default.contentsOfDirectory(atPath: target.temporary.url.path)
        #expect(files.allSatisfy { $0.hasPrefix("scimsync.sqlite") && !$0.contains("restore") }, "\(files)")
        #expect(FileManager.default.fileExists(atPath: file), "the snapshot file stays")
    }

    @Test func restoreLeavesTheSnapshotFileUnchanged() throws {
        let (source, _) = try populated(users: 1)
        let file = source.temporary.path("backup.sqlite")
        try source.store.backup(to: file)
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let target = try StoreFixture()
        try target.store.restore(from: file, by: .test) { _ in }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
    }

    @Test func restoreMigratesASnapshotOfAnOlderSchema() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("old.sqlite")
        let first = Migrations.migrator.migrations[0]
        let old = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(old, upTo: first)
        try old.write { db in
            try db.execute(
                sql: "INSERT INTO directory (name, name_key, created_at) VALUES ('Old', 'old', ?)",
                arguments: [Timestamp.now()]
            )
        }
        try old.close()
        let target = try StoreFixture()
        let snapshot = try target.store.restore(from: path, by: .test) { _ in }
        #expect(snapshot.schema == first)
        #expect(try target.store.appliedMigrations() == Migrations.migrator.migrations)
        #expect(try target.store.directories().map(\.name) == ["Old"])
    }

    /// What restoring `file` into a store holding an app says; the store must be unchanged.
    private func refusal(_ file: String) throws -> String {
        let live = try StoreFixture()
        _ = try live.app("keep")
        let epochBefore = try epoch(live.store)
        let error = #expect(throws: StoreError.self) {
            try live.store.restore(from: file, by: .test) { _ in Issue.record("asked to replace the database") }
        }
        #expect(try live.store.apps().map(\.name) == ["keep"])
        #expect(try epoch(live.store) == epochBefore)
        let files = try FileManager.default.contentsOfDirectory(atPath: live.temporary.url.path)
        #expect(!files.contains { $0.contains("restore") }, "staging copy removed: \(files)")
        guard case .invalid(let message)? = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return ""
        }
        return message
    }

    /// The path of a backup of a populated store, written in `directory`.
    private func backupFile(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("backup.sqlite")
        try populated(users: 40).fixture.store.backup(to: path)
        return path
    }

    @Test func refusesAFileThatIsNotSQLite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("users.csv")
        try Data("userName,email\nalice,alice@example.com\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try refusal(path) == "\(path) is not an SQLite database")
    }

    @Test func refusesAFileWithADamagedPage() throws {
        let directory = try TemporaryDirectory()
        let path = try backupFile(in: directory)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let pages = try handle.seekToEnd() / 4096
        try handle.seek(toOffset: pages / 2 * 4096)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 4096))
        try handle.close()
        #expect(try refusal(path).hasPrefix("\(path) is damaged: "))
    }

    @Test func refusesATruncatedFile() throws {
        let directory = try TemporaryDirectory()
        let path = try backupFile(in: directory)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: try handle.seekToEnd() / 2)
        try handle.close()
        #expect(try refusal(path).hasPrefix("\(path) is damaged: "))
    }

    @Test func refusesAnotherApplicationsDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.sqlite")
        try edit(path) { try $0.execute(sql: "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)") }
        #expect(try refusal(path) == "\(path) is not a ScimSync database: it has no grdb_migrations table")
    }

    @Test func refusesADatabaseOfANewerScimSync() throws {
        let directory = try TemporaryDirectory()
        let path = try backupFile(in: directory)
        try edit(path) { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        #expect(try refusal(path) == "\(path) comes from a newer ScimSync: this build does not know its migration v99-from-the-future")
    }

    @Test func refusesADatabaseWithoutTheFirstMigration() throws {
        let directory = try TemporaryDirectory()
        let path = try backupFile(in: directory)
        try edit(path) { try $0.execute(sql: "DELETE FROM grdb_migrations") }
        #expect(try refusal(path) == "\(path) is not a ScimSync database: it lacks the migration v1-directory-apps-idp-view-audit")
    }

    @Test func refusesAMissingFile() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: StoreError.self) { try StoreFixture().store.restore(from: directory.path("none"), by: .test) { _ in } }
        #expect(error == .notFound(directory.path("none")))
    }

    @Test func theCallerCanRefuseToReplaceADatabaseWithApps() throws {
        let (source, _) = try populated(users: 1)
        let file = source.temporary.path("backup.sqlite")
        try source.store.backup(to: file)
        let live = try StoreFixture()
        _ = try live.app("keep")
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try live.store.restore(from: file, by: .test) { apps in
                #expect(apps.map(\.name) == ["keep"])
                throw Refused()
            }
        }
        #expect(try live.store.apps().map(\.name) == ["keep"])
    }
}
