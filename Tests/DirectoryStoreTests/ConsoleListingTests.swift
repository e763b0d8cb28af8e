import DirectoryOperations
import DirectoryStore
import SyncRules
import TestSupport
import Testing

/// What the web console lists page by page: directory users by search, audit entries by outcome.
@Suite struct ConsoleListingTests {
    let fixture: StoreFixture

    init() throws {
        fixture = try StoreFixture()
        try fixture.store.createDirectory(name: "Corp", by: .test)
        for name in ["alice", "ÅSA", "bob", "carol", "100%_done"] {
            try fixture.store.createLocalUser(
                directory: "Corp",
                fields: DirectoryUserFields(username: name, email: "\(name)@example.com", displayName: name == "bob" ? "Robert Alsace" : nil),
                by: .test
            )
        }
    }

    @Test func searchFindsNamesEmailsAndDisplayNamesIgnoringCase() throws {
        let page = try fixture.store.directoryUsers(directory: "Corp", search: "AL", offset: 0, limit: 10)
        #expect(page.users.map(\.name) == ["alice", "bob"])
        #expect(page.total == 2)
        #expect(try fixture.store.directoryUsers(directory: "Corp", search: "åsa", offset: 0, limit: 10).users.map(\.name) == ["ÅSA"])
        // LIKE's wildcards are the search's own characters.
        #expect(try fixture.store.directoryUsers(directory: "Corp", search: "%_", offset: 0, limit: 10).users.map(\.name) == ["100%_done"])
    }

    @Test func pagesCountTheWhole() throws {
        let first = try fixture.store.directoryUsers(directory: "Corp", search: nil, offset: 0, limit: 2)
        let third = try fixture.store.directoryUsers(directory: "Corp", search: nil, offset: 4, limit: 2)
        #expect(first.users.map(\.name) == ["100%_done", "alice"])
        #expect(third.users.map(\.name) == ["ÅSA"])
        #expect(first.total == 5 && third.total == 5)
        #expect(throws: StoreError.self) { try fixture.store.directoryUsers(directory: "Nowhere", search: nil, offset: 0, limit: 2) }
    }

    @Test func auditByOutcomeAndOffset() throws {
        var query = AuditQuery(actor: "test")
        query.outcome = "ok"
        query.limit = 2
        let newest = try fixture.store.auditEntries(query)
        query.offset = 2
        let older = try fixture.store.auditEntries(query)
        #expect(newest.count == 2 && older.count == 2)
        #expect(Set(newest.map(\.id)).isDisjoint(with: older.map(\.id)))
        #expect(newest[1].id > older[0].id)
        query.outcome = "refused"
        #expect(try fixture.store.auditEntries(query).isEmpty)
    }
}

@Suite struct ConsoleRestoreTests {
    @Test func aRestoreEndsEverySession() throws {
        let fixture = try StoreFixture()
        let admin = try fixture.store.createAdmin(name: "ada", password: "correct horse battery", role: .admin, by: .test)
        let lifetime = AdminSessionLifetime.standard
        let kept = try fixture.store.openAdminSession(for: admin, lifetime: lifetime)
        let snapshot = fixture.temporary.path("snapshot.sqlite")
        try fixture.store.backup(to: snapshot)
        let live = try fixture.store.openAdminSession(for: admin, lifetime: lifetime)
        _ = try fixture.store.restore(from: snapshot, by: .test) { _ in }
        #expect(try fixture.store.adminSession(secret: kept.secret, lifetime: lifetime) == nil)
        #expect(try fixture.store.adminSession(secret: live.secret, lifetime: lifetime) == nil)
        #expect(try fixture.store.admins().map(\.name) == ["ada"])
    }
}
