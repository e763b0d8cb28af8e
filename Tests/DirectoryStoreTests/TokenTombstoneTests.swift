import Foundation
import GRDB
import TestSupport
import Testing

@testable import DirectoryOperations
@testable import DirectoryStore

/// A deleted token leaves its hash behind, and nothing (an import of an older export, a row put
/// back by other means) makes it valid again.
@Suite struct TokenTombstoneTests {
    let fixture: StoreFixture
    var store: DirectoryStore { fixture.store }

    init() throws {
        fixture = try StoreFixture()
    }

    private func tombstones() throws -> [String] {
        try store.connection.read { try String.fetchAll($0, sql: "SELECT hint FROM token_tombstone ORDER BY hint") }
    }

    @Test func deletingAnAppLeavesATombstoneForEachOfItsTokens() throws {
        let first = try fixture.app("okta").token
        let second = try store.issueToken(app: "okta", by: .test).secret
        try store.deleteApp("okta", by: .test)
        #expect(try tombstones() == [TokenSecret.hint(first), TokenSecret.hint(second)].sorted())
    }

    @Test func anOldExportImportedAfterAnAppDeleteBringsItsTokenBackRevoked() throws {
        let token = try fixture.app("okta").token
        let export = try store.exportConfiguration()
        try store.deleteApp("okta", by: .test)
        try store.createApp(name: "okta", provider: .generic, directoryName: "Corp", by: .test)

        let dryRun = try store.importConfiguration(export, mode: .merge, dryRun: true, by: .test)
        let hint = TokenSecret.hint(token)
        #expect(dryRun.count == 1)
        #expect(dryRun[0].hasPrefix("token added as revoked: okta \(hint) (deleted from this database at "), "\(dryRun)")
        #expect(dryRun[0].hasSuffix("; a deleted token never comes back)"))
        #expect(try store.tokens(app: "okta").isEmpty, "a dry run changes nothing")

        #expect(try store.importConfiguration(export, mode: .merge, dryRun: false, by: .test) == dryRun)
        #expect(try store.authenticate(appName: "okta", secret: token) == nil)
        #expect(try store.tokens(app: "okta").map { $0.revokedAt != nil } == [true])
        #expect(try store.importConfiguration(export, mode: .merge, dryRun: false, by: .test) == [], "a second import changes nothing")
        #expect(try store.exportConfiguration().apps[0].tokens == [], "a revoked token is not exported")
    }

    @Test func aTokenRemovedByReplaceStaysDeadWhenAnOlderExportIsImported() throws {
        let kept = try fixture.app("okta").token
        let removed = try store.issueToken(app: "okta", by: .test).secret
        let older = try store.exportConfiguration()
        var newer = older
        newer.apps[0].tokens?.removeAll { $0.hint == TokenSecret.hint(removed) }
        #expect(
            try store.importConfiguration(newer, mode: .replace, dryRun: false, by: .test) == ["token removed: okta \(TokenSecret.hint(removed))"]
        )
        #expect(try store.authenticate(appName: "okta", secret: removed) == nil)

        let changes = try store.importConfiguration(older, mode: .replace, dryRun: false, by: .test)
        #expect(changes.count == 1 && changes[0].hasPrefix("token added as revoked: okta \(TokenSecret.hint(removed))"), "\(changes)")
        #expect(try store.authenticate(appName: "okta", secret: removed) == nil)
        #expect(try store.authenticate(appName: "okta", secret: kept) != nil)
    }

    @Test func authenticateRefusesATombstonedHashEvenIfItsRowIsBack() throws {
        let token = try fixture.app("okta").token
        try store.deleteApp("okta", by: .test)
        // A row put back by hand (or by anything that bypasses the importer).
        try store.connection.write { db in
            try db.execute(
                sql:
                    "INSERT INTO app (name, name_key, provider, directory_id, created_at) VALUES ('okta', 'okta', 'generic', 1, '2026-01-01T00:00:00Z')"
            )
            try db.execute(
                sql: "INSERT INTO app_token (app_id, token_hash, hint, created_at) VALUES (?, ?, 'scs_x', '2026-01-01T00:00:00Z')",
                arguments: [db.lastInsertedRowID, TokenSecret.hash(token)]
            )
        }
        #expect(try store.authenticate(appName: "okta", secret: token) == nil)
    }
}
