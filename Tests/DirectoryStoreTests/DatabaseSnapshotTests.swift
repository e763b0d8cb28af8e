import CSQLiteHardening
import Foundation
import GRDB
import SCIM
import TestSupport
import Testing

@testable import DirectoryOperations
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

    private func pageSize(_ store: DirectoryStore) throws -> Int? {
        try store.connection.read { try Int.fetchOne($0, sql: "PRAGMA page_size") }
    }

    @Test func aNewDatabaseHasPagesOfEightKiBAndAnOlderOneKeepsItsOwn() throws {
        #expect(DirectoryStore.pageBytes == 8192)
        #expect(try pageSize(try StoreFixture().store) == 8192)
        #expect(try pageSize(try StoreFixture(pageSize: 4096).store) == 4096)
    }

    /// SQLite's backup API copies into a WAL database only between equal page sizes: the restore
    /// rewrites the snapshot's copy first, whichever side is older.
    @Test func aSnapshotRestoresIntoADatabaseOfAnotherPageSize() throws {
        let old = try StoreFixture(pageSize: 4096)
        let (app, token) = try old.app("okta")
        for n in 0..<3 { try old.createUser(app, userBody(#""userName":"old\#(n)@example.com""#)) }
        let oldSnapshot = old.temporary.path("old-backup.sqlite")
        try old.store.backup(to: oldSnapshot)

        let new = try StoreFixture()
        #expect(try new.store.restore(from: oldSnapshot, by: .test) { _ in }.idpUsers == 3)
        #expect(try pageSize(new.store) == 8192)
        #expect(try new.store.integrityCheck() == "ok")

        let restoredApp = try #require(try new.store.authenticate(appName: "okta", secret: token))
        try new.createUser(restoredApp, userBody(#""userName":"new@example.com""#))
        let newSnapshot = new.temporary.path("new-backup.sqlite")
        try new.store.backup(to: newSnapshot)
        #expect(try old.store.restore(from: newSnapshot, by: .test) { _ in }.idpUsers == 4)
        #expect(try pageSize(old.store) == 4096)
        #expect(try old.store.integrityCheck() == "ok")
        #expect(try old.list(app, [:]).total == 4)
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
        let size = UInt64(DirectoryStore.pageBytes)
        let pages = try handle.seekToEnd() / size
        try handle.seek(toOffset: pages / 2 * size)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: Int(size)))
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

    // MARK: - The schema of a snapshot is checked, not trusted

    private var currentSchema: String { Migrations.migrator.migrations.last! }

    /// The refusal of a backup of a populated store after `tampering` with it.
    private func refusalOfTampered(_ tampering: String) throws -> (path: String, message: String) {
        let directory = try TemporaryDirectory()
        let path = try backupFile(in: directory)
        try edit(path) { try $0.execute(sql: tampering) }
        return (path, try refusal(path))
    }

    @Test(arguments: [
        ("UPDATE app SET base_url = 'https://x.example' || char(13, 10) || 'Set-Cookie: a=b'", "base URL"),
        ("UPDATE app SET name = 'ev il', name_key = 'ev il'", "app name"),
        ("UPDATE app SET rules = '{\"userSync\":{\"onDelete\":\"explode\"}}'", "stored rules"),
        ("UPDATE scim_user SET resource = '{not json' WHERE pk = 1", "resource or a version"),
        ("UPDATE scim_user SET version = 9223372036854775807 WHERE pk = 1", "resource or a version"),
        ("UPDATE app_token SET expires_at = '2999-01-01T00:00:00.9999999999Z'", "expiry"),
    ])
    func refusesASnapshotWhoseDataTheServiceCannotUse(tampering: String, named: String) throws {
        let (path, message) = try refusalOfTampered(tampering)
        #expect(message.hasPrefix("\(path) cannot be restored:"), "\(message)")
        #expect(message.contains(named), "\(message)")
    }

    @Test func refusesASnapshotWithAnExtraTrigger() throws {
        // A trigger that undoes every revocation: restored as it is, it would run in every responder.
        let (path, message) = try refusalOfTampered(
            """
            CREATE TRIGGER keep_tokens_alive AFTER UPDATE OF revoked_at ON app_token
            BEGIN UPDATE app_token SET revoked_at = NULL WHERE id = new.id; END
            """
        )
        #expect(message == "\(path) has a trigger 'keep_tokens_alive' that this build's schema \(currentSchema) does not have")
    }

    @Test func refusesASnapshotWithAnExtraView() throws {
        let (path, message) = try refusalOfTampered("CREATE VIEW token_hashes AS SELECT token_hash FROM app_token")
        #expect(message == "\(path) has a view 'token_hashes' that this build's schema \(currentSchema) does not have")
    }

    @Test func refusesASnapshotWithAnExtraIndex() throws {
        let (path, message) = try refusalOfTampered("CREATE INDEX audit_detail ON audit(detail)")
        #expect(message == "\(path) has an index 'audit_detail' that this build's schema \(currentSchema) does not have")
    }

    @Test func refusesASnapshotWithADroppedTrigger() throws {
        // Without it, revoking a token would not move the epoch: responders would keep it cached.
        let (path, message) = try refusalOfTampered("DROP TRIGGER token_update_epoch")
        #expect(message == "\(path) lacks the trigger 'token_update_epoch' of this build's schema \(currentSchema)")
    }

    @Test func refusesASnapshotWithAnAlteredTable() throws {
        let (path, message) = try refusalOfTampered("ALTER TABLE app_token ADD COLUMN note TEXT")
        #expect(
            message
                == "\(path) has a table 'app_token' that differs from the one of this build's schema \(currentSchema): it has the column 'note', which that one lacks"
        )
    }

    @Test func refusesASnapshotWhoseTriggerWasRewritten() throws {
        let (path, message) = try refusalOfTampered(
            """
            DROP TRIGGER token_update_epoch;
            CREATE TRIGGER token_update_epoch AFTER UPDATE ON app_token WHEN 0 BEGIN UPDATE auth_epoch SET value = value + 1; END
            """
        )
        #expect(message == "\(path) has a trigger 'token_update_epoch' that differs from the one of this build's schema \(currentSchema)")
    }

    @Test func refusesASnapshotWithTwoTriggersOfOneName() throws {
        // Only an edit of sqlite_master itself can make this; SQLite refuses to load such a schema.
        let directory = try TemporaryDirectory()
        let path = try backupFile(in: directory)
        try edit(path) { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(
                sql: """
                    INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql)
                    SELECT type, name, tbl_name, rootpage, replace(sql, 'AFTER UPDATE', 'AFTER DELETE')
                    FROM sqlite_master WHERE name = 'token_update_epoch'
                    """
            )
        }
        let message = try refusal(path)
        #expect(message.hasPrefix("\(path) is damaged: malformed database schema (token_update_epoch)"), "\(message)")
    }

    @Test func refusesAMigrationHistoryWithAGap() throws {
        let (path, message) = try refusalOfTampered("DELETE FROM grdb_migrations WHERE identifier = 'v2-sync-rules'")
        let recorded = Migrations.migrator.migrations.filter { $0 != "v2-sync-rules" }
        let written = Migrations.migrator.migrations.prefix(recorded.count)
        #expect(
            message
                == "\(path) has a migration history this build never writes: it records \(recorded.joined(separator: ", ")), not \(written.joined(separator: ", "))"
        )
    }

    @Test func refusesASnapshotWithARowThatBreaksAForeignKey() throws {
        let directory = try TemporaryDirectory()
        let path = try backupFile(in: directory)
        try edit(path) { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(
                sql: "INSERT INTO app_token (id, app_id, token_hash, hint, created_at) VALUES (77, 999, 'x', 'scs_x', '2026-01-01T00:00:00Z')"
            )
        }
        #expect(try refusal(path) == "\(path) breaks a foreign key: row 77 of table 'app_token' refers to a row of 'app' that does not exist")
    }

    /// A snapshot at `migration`, with one directory in it.
    private func snapshot(at migration: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("\(migration).sqlite")
        let old = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(old, upTo: migration)
        try old.write { db in
            try db.execute(sql: "INSERT INTO directory (name, name_key, created_at) VALUES ('Old', 'old', ?)", arguments: [Timestamp.now()])
        }
        try old.close()
        return path
    }

    @Test func restoresAGoodSnapshotOfTheOlderSchemaV2AndMigratesIt() throws {
        let directory = try TemporaryDirectory()
        let path = try snapshot(at: "v2-sync-rules", in: directory)
        let target = try StoreFixture()
        let restored = try target.store.restore(from: path, by: .test) { _ in }
        #expect(restored.schema == "v2-sync-rules")
        #expect(try target.store.appliedMigrations() == Migrations.migrator.migrations)
        #expect(try target.store.directories().map(\.name) == ["Old"])
    }

    @Test func checksAnOlderSnapshotAgainstThatOlderSchema() throws {
        let directory = try TemporaryDirectory()
        let path = try snapshot(at: "v2-sync-rules", in: directory)
        // The v3 tombstone table is not part of v2: in a v2 snapshot it is planted.
        try edit(path) { try $0.execute(sql: "CREATE TABLE token_tombstone (token_hash TEXT PRIMARY KEY)") }
        #expect(try refusal(path) == "\(path) has a table 'token_tombstone' that this build's schema v2-sync-rules does not have")
    }

    // MARK: - A restore does not bring back tokens taken away since the snapshot

    @Test func restoreKeepsTheLiveRevocationsDeletionsAndExpiries() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let revoked = try fixture.app("okta").token
        let deleted = try fixture.app("entra").token
        let rotated = try store.issueToken(app: "okta", by: .test).secret
        let file = fixture.temporary.path("backup.sqlite")
        try store.backup(to: file)

        try store.revokeTokens(app: "okta", tokenID: try store.tokens(app: "okta")[0].id, by: .test)
        _ = try store.rotateToken(app: "okta", graceMinutes: 60, by: .test)
        try store.deleteApp("entra", by: .test)
        try store.restore(from: file, by: .test) { _ in }

        #expect(try store.app(named: "entra") != nil, "the app is back")
        #expect(try store.authenticate(appName: "okta", secret: revoked) == nil)
        #expect(try store.authenticate(appName: "entra", secret: deleted) == nil)
        #expect(try store.tokens(app: "entra").map { $0.revokedAt != nil } == [true])
        #expect(try store.authenticate(appName: "okta", secret: rotated) != nil, "still in its grace period")
        // The first token was revoked before the rotation; the token the rotation issued is newer
        // than the snapshot.
        let okta = try store.tokens(app: "okta").map { "revoked: \($0.revokedAt != nil), expires: \($0.expiresAt != nil)" }
        #expect(okta == ["revoked: true, expires: false", "revoked: false, expires: true"])
    }

    // MARK: - Every connection is hardened

    @Test func theStoresConnectionIsDefensiveAndDistrustsTheSchema() throws {
        let fixture = try StoreFixture()
        let (defensive, trusted) = try fixture.store.connection.read { db in
            (scimsync_sqlite_is_defensive(db.sqliteConnection), try Int.fetchOne(db, sql: "PRAGMA trusted_schema"))
        }
        #expect(defensive == 1)
        #expect(trusted == 0)
        let error = #expect(throws: DatabaseError.self) {
            try fixture.store.connection.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA writable_schema = ON")
                try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, 'value + 1', 'value') WHERE name = 'token_update_epoch'")
            }
        }
        #expect(error?.message?.contains("may not be modified") == true, "\(String(describing: error))")
        #expect(try fixture.store.integrityCheck() == "ok")
    }

    @Test func aTriggerPlantedInALiveDatabaseCannotCallAnUnsafeFunction() throws {
        // Even a schema that got past every check runs only innocuous functions.
        let fixture = try StoreFixture()
        let (app, token) = try fixture.app("okta")
        try fixture.store.connection.write { db in
            try db.execute(sql: "CREATE TRIGGER planted AFTER INSERT ON audit BEGIN SELECT scim_fold(new.target); END")
        }
        #expect(throws: (any Error).self) {
            try fixture.createUser(app, userBody(#""userName":"planted@example.com""#))
        }
        #expect(try fixture.store.authenticate(appName: "okta", secret: token) != nil)
    }

    // MARK: - Files private from their first byte

    /// One test for all, as the umask belongs to the whole process and tests run in parallel.
    @Test func filesAreCreatedPrivateWhateverTheUmask() throws {
        let (fixture, _) = try populated(users: 1)
        let before = umask(0)
        defer { umask(before) }
        let backup = fixture.temporary.path("backup.sqlite")
        try fixture.store.backup(to: backup)
        #expect(try mode(backup) == 0o600)
        let database = fixture.temporary.path("new.sqlite")
        let store = try DirectoryStore(path: database)
        try store.createDirectory(name: "Written", by: .test)
        for file in [database, database + "-wal", database + "-shm"] {
            #expect(try mode(file) == 0o600, "\(file)")
        }

        let created = fixture.temporary.path("created")
        try PrivateFile.create(created)
        #expect(try mode(created) == 0o600)
        #expect(throws: StoreError.self) { try PrivateFile.create(created) }
        let written = fixture.temporary.path("written.json")
        try PrivateFile.write(Array("{}".utf8), atomicallyTo: written)
        #expect(try mode(written) == 0o600)
        #expect(try String(contentsOfFile: written, encoding: .utf8) == "{}")
        let copied = fixture.temporary.path("copied")
        try PrivateFile.copy(written, to: copied)
        #expect(try mode(copied) == 0o600)
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.temporary.url.path)
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "no temporary file left: \(files)")
    }

    private func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }
}
