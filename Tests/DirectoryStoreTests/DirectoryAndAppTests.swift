import DirectoryStore
import Foundation
import TestSupport
import Testing

@Suite struct DirectoryAndAppTests {
    @Test func migrationsRunOnceAndReopeningIsHarmless() throws {
        let fixture = try StoreFixture()
        try fixture.store.createDirectory(name: "Corp", by: .test)
        let migrations = try fixture.store.appliedMigrations()
        #expect(!migrations.isEmpty)
        // A second connection on the same file while the first is open, then another after.
        let second = try DirectoryStore(path: fixture.path)
        #expect(try second.appliedMigrations() == migrations)
        #expect(try second.directories().map(\.name) == ["Corp"])
        let third = try DirectoryStore(path: fixture.path)
        #expect(try third.appliedMigrations() == migrations)
        #expect(try third.integrityCheck() == "ok")
        #expect(try DirectoryStore(path: fixture.path, migrate: false).directories().count == 1)
    }

    @Test func createsAndListsDirectories() throws {
        let store = try StoreFixture().store
        let corp = try store.createDirectory(name: "  Corp ", by: .test)
        #expect(corp.name == "Corp")
        try store.createDirectory(name: "apps", by: .test)
        #expect(try store.directories().map(\.name) == ["apps", "Corp"])
        #expect(try store.directory(named: "CORP")?.id == corp.id)
        #expect(try store.directory(named: "nope") == nil)
    }

    @Test func directoryNamesAreUniqueIgnoringCase() throws {
        let store = try StoreFixture().store
        try store.createDirectory(name: "Corp", by: .test)
        let error = #expect(throws: StoreError.self) { try store.createDirectory(name: "cORP", by: .test) }
        guard case .duplicate? = error else {
            Issue.record("expected .duplicate, got \(String(describing: error))")
            return
        }
        #expect(try store.directories().count == 1)
    }

    @Test func directoryNamesMustNotBeEmpty() throws {
        let store = try StoreFixture().store
        let error = #expect(throws: StoreError.self) { try store.createDirectory(name: "   ", by: .test) }
        guard case .invalid? = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return
        }
    }

    @Test func createsApps() throws {
        let store = try StoreFixture().store
        try store.createDirectory(name: "Corp", by: .test)
        let app = try store.createApp(name: "okta-prod", provider: .okta, directoryName: "corp", by: .test)
        #expect(app.name == "okta-prod")
        #expect(app.provider == .okta)
        #expect(app.directoryName == "Corp")
        #expect(app.enabled)
        #expect(try store.app(named: "OKTA-PROD") == app)
        #expect(try store.apps().map(\.name) == ["okta-prod"])
    }

    @Test func appNamesAreUniqueIgnoringCase() throws {
        let store = try StoreFixture().store
        try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: .test)
        let error = #expect(throws: StoreError.self) {
            try store.createApp(name: "OKTA", provider: .entra, directoryName: "Corp", by: .test)
        }
        guard case .duplicate? = error else {
            Issue.record("expected .duplicate, got \(String(describing: error))")
            return
        }
        #expect(try store.apps().count == 1)
    }

    @Test func appNeedsAnExistingDirectoryUnlessAskedToCreateIt() throws {
        let store = try StoreFixture().store
        let error = #expect(throws: StoreError.self) {
            try store.createApp(name: "okta", provider: .okta, directoryName: "Missing", by: .test)
        }
        guard case .notFound? = error else {
            Issue.record("expected .notFound, got \(String(describing: error))")
            return
        }
        #expect(try store.apps().isEmpty)
        let app = try store.createApp(name: "okta", provider: .okta, directoryName: "Missing", createDirectory: true, by: .test)
        #expect(app.directoryName == "Missing")
        #expect(try store.directories().map(\.name) == ["Missing"])
    }

    @Test(arguments: ["my app", "a/b", "", "ünï"])
    func appNamesMustFitInAURL(name: String) throws {
        let store = try StoreFixture().store
        let error = #expect(throws: StoreError.self) {
            try store.createApp(name: name, provider: .generic, directoryName: "Corp", createDirectory: true, by: .test)
        }
        guard case .invalid? = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return
        }
    }
}
