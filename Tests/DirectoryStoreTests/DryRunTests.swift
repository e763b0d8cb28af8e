import DirectoryOperations
import DirectoryStore
import Foundation
import GRDB
import SCIM
import SyncRules
import Testing

/// A dry run only reads the live database: it plans on a private copy, so it needs no write lock
/// and IdP writes go on meanwhile.
@Suite struct DryRunTests {
    let fixture: StoreFixture
    var store: DirectoryStore { fixture.store }

    init() throws {
        fixture = try StoreFixture()
        let app = try fixture.app("okta").app
        try fixture.createUser(app, #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada"}"#)
    }

    /// Runs `body` while another connection holds the database's write lock.
    private func whileAnotherWriterHoldsTheLock<T>(_ body: () throws -> T) throws -> T {
        let writer = try DatabaseQueue(path: fixture.path)
        defer { try? writer.close() }
        return try writer.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return try body()
        }
    }

    @Test func dryRunsPlanWithoutTheWriteLock() throws {
        var rules = AppRules()
        rules.groupSync.defaultGroupsForAllUsers = ["everyone"]
        let configuration = try store.exportConfiguration()
        let (ruleChanges, synchronized, imported) = try whileAnotherWriterHoldsTheLock {
            (
                try store.setRules(app: "okta", rules, dryRun: true, by: .test),
                try store.synchronize(app: nil, dryRun: true, by: .test),
                try store.importConfiguration(configuration, mode: .replace, dryRun: true, by: .test)
            )
        }
        #expect(ruleChanges.map(\.summary) == ["group created: everyone", "membership added: ada in everyone (default group)"])
        #expect(synchronized.isEmpty)
        #expect(imported.isEmpty, "the configuration is the database's own")
        #expect(try store.synchronize(app: nil, dryRun: true, by: .test).isEmpty, "nothing was changed")
    }
}
