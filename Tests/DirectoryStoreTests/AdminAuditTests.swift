import Foundation
import GRDB
import SCIM
import SyncRules
import TestSupport
import Testing

@testable import DirectoryOperations
@testable import DirectoryStore

/// Every admin action leaves one audit entry naming its actor, in the transaction of the change.
@Suite struct AdminAuditTests {
    let fixture: StoreFixture
    var store: DirectoryStore { fixture.store }
    let alice = AdminActor("alice")

    init() throws {
        fixture = try StoreFixture()
    }

    private func entries() throws -> [AuditEntry] {
        try store.auditEntries(AuditQuery())
    }

    /// Runs `action` and returns the one entry it added.
    private func newEntry(_ action: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) throws -> AuditEntry? {
        let before = try entries().count
        try action()
        let after = try entries()
        #expect(after.count == before + 1, "one entry per action", sourceLocation: sourceLocation)
        #expect(after.first?.actor == alice.name, sourceLocation: sourceLocation)
        return after.first
    }

    /// Runs `action` and expects it to leave the audit as it was.
    private func noEntry(_ action: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try entries()
        try? action()
        #expect(try entries() == before, sourceLocation: sourceLocation)
    }

    @Test func directoriesAppsAndTokens() throws {
        #expect(try newEntry { try store.createDirectory(name: "Corp", by: alice) }?.operation == "directory.create")
        let created = try newEntry { try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", by: alice) }
        #expect(created?.operation == "app.create" && created?.app == "okta" && created?.target == "App okta")
        #expect(created?.detail == "provider okta, directory Corp")

        var secret = ""
        let issued = try newEntry { secret = try store.issueToken(app: "okta", by: alice).secret }
        #expect(issued?.operation == "token.issue" && issued?.app == "okta")
        #expect(issued?.detail == "token 1 (\(secret.prefix(8))…)", "the hint only")
        var rotated = ""
        let rotation = try newEntry { rotated = try store.rotateToken(app: "okta", graceMinutes: 5, by: alice).secret }
        #expect(rotation?.operation == "token.rotate")
        #expect(rotation?.detail?.hasPrefix("token 2 (\(rotated.prefix(8))…) issued; 1 earlier token(s) expire at ") == true)
        #expect(try newEntry { try store.revokeTokens(app: "okta", tokenID: 1, by: alice) }?.detail == "token 1 (\(secret.prefix(8))…)")
        #expect(try newEntry { try store.revokeTokens(app: "okta", tokenID: nil, by: alice) }?.operation == "token.revoke")

        #expect(try newEntry { try store.setAppEnabled("okta", enabled: false, by: alice) }?.operation == "app.disable")
        #expect(try newEntry { try store.setAppEnabled("okta", enabled: true, by: alice) }?.operation == "app.enable")
        #expect(try newEntry { try store.renameDirectory("Corp", to: "Staff", by: alice) }?.detail == "renamed from Corp")
        let deleted = try newEntry { try store.deleteApp("okta", by: alice) }
        #expect(deleted?.operation == "app.delete" && deleted?.app == "okta")

        let text = try entries().map { "\($0.target) \($0.detail ?? "")" }.joined()
        #expect(!text.contains(secret) && !text.contains(rotated), "no secret is recorded")
    }

    @Test func creatingADirectoryOnTheWayIsItsOwnEntryInTheSameTransaction() throws {
        try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: alice)
        #expect(try entries().map(\.operation) == ["app.create", "directory.create"])
        try store.setDirectory(app: "okta", directory: "Contractors", createDirectory: true, by: alice)
        let moved = try entries().prefix(2)
        #expect(moved.map(\.operation) == ["app.set-directory", "directory.create"])
        #expect(moved.first?.detail == "directory Contractors, was Corp")
    }

    @Test func directoryUsersGroupsAndMemberships() throws {
        try store.createDirectory(name: "Corp", by: alice)
        let user = try newEntry { try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "ada"), by: alice) }
        #expect(user?.operation == "directory.user.create" && user?.target == "User (ada)")
        #expect(try store.auditEntries(AuditQuery(user: "ada")).map(\.operation) == ["directory.user.create"])
        #expect(
            try newEntry { try store.createDirectoryGroup(name: "Admins", directory: "Corp", by: alice) }?.target == "Group Admins (directory Corp)"
        )
        let added = try newEntry { try store.addDirectoryMember(group: "admins", directory: "Corp", member: "ADA", kind: .user, by: alice) }
        #expect(added?.operation == "directory.group.add-member" && added?.detail == "user ada")
        try noEntry { try store.addDirectoryMember(group: "Admins", directory: "Corp", member: "ada", kind: .user, by: alice) }
        let removed = try newEntry { try store.removeDirectoryMember(group: "Admins", directory: "Corp", member: "ada", kind: .user, by: alice) }
        #expect(removed?.operation == "directory.group.remove-member" && removed?.detail == "user ada (admin)")
    }

    @Test func rulesSettingsImportAndSync() throws {
        try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: alice)
        var rules = try store.rules(app: "okta")
        rules.userSync.deactivateUsers.toggle()
        try noEntry { try store.setRules(app: "okta", rules, dryRun: true, by: alice) }
        #expect(try newEntry { try store.setRules(app: "okta", rules, dryRun: false, by: alice) }?.operation == "rules.set")
        let setting = try newEntry { try store.setAuditRetention(days: 30, by: alice) }
        #expect(setting?.operation == "settings.set" && setting?.detail == "30, was none")

        var configuration = try store.exportConfiguration()
        configuration.settings?.auditRetentionDays = 60
        try noEntry { _ = try store.importConfiguration(configuration, mode: .merge, dryRun: true, by: alice) }
        #expect(
            try newEntry { _ = try store.importConfiguration(configuration, mode: .merge, dryRun: false, by: alice) }?.operation == "config.import"
        )

        let (app, _) = try fixture.app("entra")
        try fixture.createUser(app, userBody(#""userName":"ada""#))
        rules = try store.rules(app: "entra")
        rules.userSync.attributeMapping[.displayName] = AttributeSource(path: "userName")
        try store.setRules(app: "entra", rules, dryRun: false, by: alice)
        let sync = try newEntry { _ = try store.synchronize(app: "entra", dryRun: false, by: alice) }
        #expect(sync?.operation == "sync" && sync?.app == "entra")
    }

    @Test func actionsThatChangeNothingOrFailLeaveNoEntry() throws {
        try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: alice)
        try noEntry { try store.setAppEnabled("okta", enabled: true, by: alice) }
        try noEntry { try store.revokeTokens(app: "okta", tokenID: nil, by: alice) }
        try noEntry { try store.renameDirectory("Corp", to: "Corp", by: alice) }
        try noEntry { try store.setDirectory(app: "okta", directory: "corp", createDirectory: true, by: alice) }
        try noEntry { try store.setAuditRetention(days: nil, by: alice) }
        try noEntry { try store.deleteApp("nope", by: alice) }
        try noEntry { try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", by: alice) }
        try noEntry { try store.createApp(name: "other", provider: .okta, directoryName: "Nowhere", by: alice) }
        try noEntry { _ = try store.synchronize(app: "okta", dryRun: false, by: alice) }
    }

    @Test func theIdPsRequestsHaveNoActor() throws {
        let (app, _) = try fixture.app("okta")
        try fixture.createUser(app, userBody(#""userName":"ada""#))
        let entry = try #require(try entries().first)
        #expect(entry.operation == "user.create" && entry.actor == nil && entry.app == "okta")
    }

    @Test func theActorFilterFindsAnAdminDirectlyAndThroughSudo() throws {
        try store.createDirectory(name: "One", by: AdminActor("alice"))
        try store.createDirectory(name: "Two", by: AdminActor("root (sudo: alice)"))
        try store.createDirectory(name: "Three", by: AdminActor("malice"))
        try store.createDirectory(name: "Four", by: AdminActor("root"))
        let targets = { (actor: String) in try store.auditEntries(AuditQuery(actor: actor)).map(\.target) }
        #expect(try targets("ALICE") == ["Directory Two", "Directory One"])
        #expect(try targets("root") == ["Directory Four", "Directory Two"])
        #expect(try targets("%") == [])
    }

    @Test func aRestoreIsRecordedInTheRestoredDatabase() throws {
        try store.createDirectory(name: "Corp", by: alice)
        let file = fixture.temporary.path("snapshot.sqlite")
        try store.backup(to: file)
        try store.createDirectory(name: "After", by: alice)
        try store.restore(from: file, by: alice) { _ in }
        let restored = try entries()
        #expect(restored.map(\.operation) == ["restore", "directory.create"], "the entries after the snapshot went with its data")
        #expect(restored.first?.actor == "alice")
        #expect(restored.first?.detail?.hasPrefix("from \(file) (schema ") == true)
    }

    @Test func retentionAppliesToAdminEntriesToo() throws {
        try store.createDirectory(name: "Corp", by: alice)
        let (app, _) = try fixture.app("okta")
        try fixture.createUser(app, userBody(#""userName":"ada""#))
        let old = Timestamp.string(Date(timeIntervalSinceNow: -3 * 86_400))
        try store.connection.write { try $0.execute(sql: "UPDATE audit SET at = ?", arguments: [old]) }
        #expect(try entries().contains { $0.actor != nil } && entries().contains { $0.actor == nil })
        try store.setAuditRetention(days: 2, by: alice)
        #expect(try entries().map(\.operation) == ["settings.set"], "old entries of admins and IdPs alike are gone")
    }

    @Test func anActorNameIsBounded() {
        #expect(AdminActor("").name == "unknown")
        #expect(AdminActor(String(repeating: "é", count: 1000)).name.utf8.count <= AdminActor.maxNameBytes)
    }
}

/// A refused SCIM request quotes the IdP's text: the audit keeps a bounded part of it.
@Suite struct RefusedRequestAuditTests {
    @Test func aHugeRefusedUserNameLeavesAtMostTheCap() throws {
        let fixture = try StoreFixture()
        let (app, _) = try fixture.app("okta")
        // Longer than a directory username may be: the rules refuse it, quoting it.
        let huge = String(repeating: "a", count: 900_000)
        let before = try fixture.store.auditEntries(AuditQuery()).count
        let audit = AuditContext(appID: app.id, appName: app.name, requestID: "req-huge")
        #expect(throws: RuleRefusal.self) {
            try fixture.store.createScimUser(app: app, audit: audit) { id throws(ScimError) in
                try ResourceDocument.prepare(try! JSONParser.parse(userBody(#""userName":"\#(huge)""#)), as: .user, id: id)
            }
        }
        let entries = try fixture.store.auditEntries(AuditQuery())
        #expect(entries.count == before + 1)
        let refused = try #require(entries.first)
        #expect(refused.outcome == "refused" && refused.requestId == "req-huge")
        #expect(refused.target.utf8.count <= AuditEntry.idpTextLimit)
        #expect((refused.detail ?? "").utf8.count <= AuditEntry.idpTextLimit)
        #expect(refused.target.hasPrefix("User (aaaa"))
        #expect(refused.target.hasSuffix(" more bytes not recorded)"))
        #expect(refused.detail?.hasPrefix("The sync rules make directory username 'aaaa") == true)
    }

    @Test func cuttingKeepsWholeCharactersAndSaysHowMuchWasLeftOut() throws {
        #expect(AuditEntry.capped("short", toBytes: 10) == "short")
        #expect(AuditEntry.capped("exactly10!", toBytes: 10) == "exactly10!")
        for text in [String(repeating: "é", count: 5000), String(repeating: "👩🏽‍💻", count: 500), "a" + String(repeating: "日", count: 3000)] {
            let capped = AuditEntry.capped(text, toBytes: 2048)
            #expect(capped.utf8.count <= 2048)
            let marker = try #require(capped.range(of: "… (", options: .backwards))
            let kept = String(capped[..<marker.lowerBound])
            #expect(!kept.isEmpty && text.utf8.starts(with: kept.utf8), "the start, cut between characters")
            #expect(Int(capped[marker.upperBound...].prefix { $0.isNumber }) == text.utf8.count - kept.utf8.count)
            #expect(capped.hasSuffix(" more bytes not recorded)"))
        }
    }
}
