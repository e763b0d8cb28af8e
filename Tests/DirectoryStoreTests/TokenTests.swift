import ConfigDocument
import DirectoryStore
import Foundation
import GRDB
import SyncRules
import TestSupport
import Testing

@Suite struct TokenTests {
    let fixture: StoreFixture
    var store: DirectoryStore { fixture.store }

    init() throws {
        fixture = try StoreFixture()
        try fixture.store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: .test)
        try fixture.store.createApp(name: "entra", provider: .entra, directoryName: "Corp", by: .test)
    }

    @Test func issuedTokenAuthenticatesItsApp() throws {
        let token = try store.issueToken(app: "okta", by: .test)
        let app = try #require(try store.authenticate(appName: "okta", secret: token.secret))
        #expect(app.name == "okta")
        #expect(app.id == (try store.app(named: "okta"))?.id)
        #expect(app.directoryID == (try store.directory(named: "Corp"))?.id)
        // The app's name in the URL is matched ignoring case.
        #expect(try store.authenticate(appName: "OKTA", secret: token.secret) == app)
    }

    @Test func wrongOrForeignTokensAreRefused() throws {
        let okta = try store.issueToken(app: "okta", by: .test)
        let entra = try store.issueToken(app: "entra", by: .test)
        #expect(try store.authenticate(appName: "okta", secret: entra.secret) == nil)
        #expect(try store.authenticate(appName: "entra", secret: okta.secret) == nil)
        #expect(try store.authenticate(appName: "okta", secret: okta.secret + "x") == nil)
        #expect(try store.authenticate(appName: "okta", secret: "") == nil)
        #expect(try store.authenticate(appName: "nope", secret: okta.secret) == nil)
    }

    @Test func tokensAreListedWithoutTheirSecret() throws {
        let token = try store.issueToken(app: "okta", by: .test)
        let listed = try store.tokens(app: "okta")
        #expect(listed.map(\.id) == [token.id])
        #expect(listed[0].hint != token.secret)
        #expect(!token.secret.hasPrefix(listed[0].hint))
        #expect(token.secret.hasPrefix(String(listed[0].hint.dropLast())))
        #expect(listed[0].expiresAt == nil && listed[0].revokedAt == nil)
    }

    @Test func rotationWithGraceKeepsTheOldTokenWorking() throws {
        let old = try store.issueToken(app: "okta", by: .test)
        let new = try store.rotateToken(app: "okta", graceMinutes: 60, by: .test)
        #expect(try store.authenticate(appName: "okta", secret: old.secret) != nil)
        #expect(try store.authenticate(appName: "okta", secret: new.secret) != nil)
        let listed = try store.tokens(app: "okta")
        #expect(listed.first { $0.id == old.id }?.expiresAt != nil)
        #expect(listed.first { $0.id == new.id }?.expiresAt == nil)
    }

    @Test func rotationWithoutGraceStopsTheOldToken() throws {
        let old = try store.issueToken(app: "okta", by: .test)
        let other = try store.issueToken(app: "entra", by: .test)
        let new = try store.rotateToken(app: "okta", graceMinutes: 0, by: .test)
        #expect(try store.authenticate(appName: "okta", secret: old.secret) == nil)
        #expect(try store.authenticate(appName: "okta", secret: new.secret) != nil)
        // Another app's tokens are not touched.
        #expect(try store.authenticate(appName: "entra", secret: other.secret) != nil)
    }

    @Test func rotationDoesNotExtendAnEarlierDeadline() throws {
        let old = try store.issueToken(app: "okta", by: .test)
        _ = try store.rotateToken(app: "okta", graceMinutes: 0, by: .test)
        _ = try store.rotateToken(app: "okta", graceMinutes: 60, by: .test)
        #expect(try store.authenticate(appName: "okta", secret: old.secret) == nil)
    }

    @Test func negativeGraceIsRefused() throws {
        #expect(throws: StoreError.self) { try store.rotateToken(app: "okta", graceMinutes: -1, by: .test) }
    }

    @Test func revokingOneToken() throws {
        let first = try store.issueToken(app: "okta", by: .test)
        let second = try store.issueToken(app: "okta", by: .test)
        try store.revokeTokens(app: "okta", tokenID: first.id, by: .test)
        #expect(try store.authenticate(appName: "okta", secret: first.secret) == nil)
        #expect(try store.authenticate(appName: "okta", secret: second.secret) != nil)
        #expect(try store.tokens(app: "okta").first { $0.id == first.id }?.revokedAt != nil)
        // Revoking it again, or another app's token, names no live token of this app.
        #expect(throws: StoreError.self) { try store.revokeTokens(app: "okta", tokenID: first.id, by: .test) }
        let foreign = try store.issueToken(app: "entra", by: .test)
        #expect(throws: StoreError.self) { try store.revokeTokens(app: "okta", tokenID: foreign.id, by: .test) }
        #expect(try store.authenticate(appName: "entra", secret: foreign.secret) != nil)
    }

    @Test func revokingAllTokens() throws {
        let first = try store.issueToken(app: "okta", by: .test)
        let second = try store.issueToken(app: "okta", by: .test)
        let foreign = try store.issueToken(app: "entra", by: .test)
        try store.revokeTokens(app: "okta", tokenID: nil, by: .test)
        #expect(try store.authenticate(appName: "okta", secret: first.secret) == nil)
        #expect(try store.authenticate(appName: "okta", secret: second.secret) == nil)
        #expect(try store.authenticate(appName: "entra", secret: foreign.secret) != nil)
    }

    @Test func disabledAppIsRefusedUntilEnabled() throws {
        let token = try store.issueToken(app: "okta", by: .test)
        try store.setAppEnabled("okta", enabled: false, by: .test)
        #expect(try store.app(named: "okta")?.enabled == false)
        #expect(try store.authenticate(appName: "okta", secret: token.secret) == nil)
        try store.setAppEnabled("okta", enabled: true, by: .test)
        #expect(try store.authenticate(appName: "okta", secret: token.secret) != nil)
        #expect(throws: StoreError.self) { try store.setAppEnabled("nope", enabled: false, by: .test) }
    }

    @Test func deletedAppsTokensAreRefused() throws {
        let token = try store.issueToken(app: "okta", by: .test)
        try store.deleteApp("okta", by: .test)
        #expect(try store.authenticate(appName: "okta", secret: token.secret) == nil)
        #expect(try store.app(named: "okta") == nil)
    }

    @Test func tokensSurviveReopeningTheDatabase() throws {
        let token = try store.issueToken(app: "okta", by: .test)
        let reopened = try DirectoryStore(path: fixture.path)
        #expect(try reopened.authenticate(appName: "okta", secret: token.secret) != nil)
    }

    @Test func anExpiryTheServerCannotReadCountsAsPassed() throws {
        let token = try store.issueToken(app: "okta", by: .test)
        let queue = try DatabaseQueue(path: fixture.path)
        try queue.write { try $0.execute(sql: "UPDATE app_token SET expires_at = '2999-01-01T00:00:00.9999999999Z'") }
        #expect(try DirectoryStore(path: fixture.path).authenticate(appName: "okta", secret: token.secret) == nil)
    }

    @Test func importedTimesAreKeptInTheFormTheServerReads() throws {
        let expired = SetupConfiguration.Token(
            sha256: String(repeating: "a", count: 64),
            hint: "scs_aaaa",
            createdAt: "2020-01-01T00:00:00Z",
            expiresAt: "2020-06-01T00:00:00.5Z"
        )
        let configuration = SetupConfiguration(
            directories: ["Corp"],
            apps: [SetupConfiguration.App(name: "okta", provider: .okta, directory: "Corp", enabled: true, tokens: [expired], rules: AppRules())]
        )
        _ = try store.importConfiguration(configuration, mode: .merge, dryRun: false, by: .test)
        let listed = try #require(try store.tokens(app: "okta").first)
        #expect(listed.createdAt == "2020-01-01T00:00:00.000Z")
        #expect(listed.expiresAt == "2020-06-01T00:00:00.500Z")
    }
}
