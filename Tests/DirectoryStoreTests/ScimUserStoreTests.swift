import DirectoryStore
import Foundation
import SCIM
import SyncRules
import TestSupport
import Testing

@Suite struct ScimUserStoreTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp
    var store: DirectoryStore { fixture.store }

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
    }

    private let ada = userBody(
        """
        "userName":"Ada@Corp.com","externalId":"ext-ada","name":{"givenName":"Ada","familyName":"Lovelace"},
        "emails":[{"value":"ada@corp.com","type":"work","primary":true}]
        """
    )

    @Test func createsAUserAndItsDirectoryUser() throws {
        let stored = try fixture.createUser(app, ada)
        #expect(stored.meta.version == 1)
        #expect(stored.meta.resourceType == "User")
        #expect(stored.meta.created == stored.meta.lastModified)
        let read = try #require(try store.scimUser(appID: app.id, id: stored.id))
        #expect(read.json == stored.json)
        #expect(read.meta == stored.meta)
        #expect(read.object()["id"] == .string(stored.id))
        #expect(read.object()["userName"] == .string("Ada@Corp.com"))
        let users = try store.directoryUsers(directory: "Corp")
        #expect(users.count == 1)
        let user = try #require(users.first)
        #expect(user.name == "Ada@Corp.com")
        #expect(user.email == "ada@corp.com")
        #expect(user.displayName == "Ada Lovelace")
        #expect(user.firstName == "Ada")
        #expect(user.lastName == "Lovelace")
        #expect(user.active)
        #expect(user.originApp == "okta")
    }

    @Test func idsAreUniqueAndOpaque() throws {
        let first = try fixture.createUser(app, userBody(#""userName":"a""#))
        let second = try fixture.createUser(app, userBody(#""userName":"b""#))
        #expect(first.id != second.id)
        #expect(UUID(uuidString: first.id) != nil)
    }

    @Test func duplicateUserNameDifferingInCaseIsAUniquenessConflict() throws {
        try fixture.createUser(app, ada)
        #expect(throws: IdPViewError.nameTaken(.user, name: "ADA@corp.COM")) {
            try fixture.createUser(app, userBody(#""userName":"ADA@corp.COM""#))
        }
        #expect(try fixture.list(app, [:]).total == 1)
        #expect(try store.directoryUsers(directory: "Corp").count == 1)
    }

    @Test func appsDoNotSeeEachOthersUsers() throws {
        let other = try fixture.app("entra", directory: "Other").app
        let stored = try fixture.createUser(app, ada)
        #expect(try store.scimUser(appID: other.id, id: stored.id) == nil)
        #expect(try fixture.list(other, [:]).total == 0)
        // The same userName in another app is no conflict.
        #expect(throws: Never.self) { try fixture.createUser(other, ada) }
    }

    @Test func updateWithMatchingIfMatch() throws {
        let stored = try fixture.createUser(app, ada)
        tick()
        let updated = try fixture.replaceUser(app, stored.id, ifMatch: #"W/"1""#, userBody(#""userName":"Ada@Corp.com","displayName":"Countess""#))
        #expect(updated.meta.version == 2)
        #expect(updated.meta.created == stored.meta.created)
        #expect(updated.meta.lastModified > stored.meta.lastModified)
        #expect(updated.object()["displayName"] == .string("Countess"))
        #expect(updated.object()["name"] == nil)
        #expect(try store.scimUser(appID: app.id, id: stored.id)?.meta.version == 2)
        #expect(try store.directoryUsers(directory: "Corp").first?.displayName == "Countess")
        // `*`, a list, and a strong form of the current tag match too.
        #expect(try fixture.replaceUser(app, stored.id, ifMatch: "*", userBody(#""userName":"a1""#)).meta.version == 3)
        #expect(try fixture.replaceUser(app, stored.id, ifMatch: #"W/"1", W/"3""#, userBody(#""userName":"a2""#)).meta.version == 4)
        #expect(try fixture.replaceUser(app, stored.id, ifMatch: #""4""#, userBody(#""userName":"a3""#)).meta.version == 5)
    }

    @Test func updateWithMismatchingIfMatchIsPreconditionFailed() throws {
        let stored = try fixture.createUser(app, ada)
        #expect(throws: IdPViewError.versionMismatch(current: #"W/"1""#)) {
            try fixture.replaceUser(app, stored.id, ifMatch: #"W/"7""#, userBody(#""userName":"changed""#))
        }
        let read = try #require(try store.scimUser(appID: app.id, id: stored.id))
        #expect(read.json == stored.json)
        #expect(read.meta.version == 1)
        #expect(try store.directoryUsers(directory: "Corp").map(\.name) == ["Ada@Corp.com"])
    }

    @Test func updateThatChangesNothingKeepsTheVersion() throws {
        let stored = try fixture.createUser(app, ada)
        let same = try store.updateScimUser(app: app, id: stored.id, ifMatch: nil, audit: AuditContext()) { current throws(ScimError) in current }
        #expect(same.meta.version == 1)
        #expect(same.meta.lastModified == stored.meta.lastModified)
    }

    @Test func renameRenamesTheDirectoryUserAndRespectsUniqueness() throws {
        let stored = try fixture.createUser(app, ada)
        try fixture.createUser(app, userBody(#""userName":"bob""#))
        try fixture.replaceUser(app, stored.id, userBody(#""userName":"ada.lovelace","active":false"#))
        let users = try store.directoryUsers(directory: "Corp")
        #expect(users.map(\.name) == ["ada.lovelace", "bob"])
        #expect(users.first?.active == false)
        #expect(throws: IdPViewError.nameTaken(.user, name: "BOB")) {
            try fixture.replaceUser(app, stored.id, userBody(#""userName":"BOB""#))
        }
    }

    @Test func updateOfAnUnknownUserIsNotFound() throws {
        #expect(throws: IdPViewError.notFound(.user, id: "nope")) { try fixture.replaceUser(app, "nope", userBody(#""userName":"x""#)) }
    }

    @Test func deleteRemovesTheUserAndItsDirectoryUser() throws {
        var rules = AppRules()
        rules.userSync.onDelete = .delete
        _ = try store.setRules(app: "okta", rules, dryRun: false, by: .test)
        let stored = try fixture.createUser(app, ada)
        let kept = try fixture.createUser(app, userBody(#""userName":"bob""#))
        try store.deleteScimUser(app: app, id: stored.id, ifMatch: nil, audit: AuditContext())
        #expect(try store.scimUser(appID: app.id, id: stored.id) == nil)
        #expect(try store.scimUser(appID: app.id, id: kept.id) != nil)
        #expect(try store.directoryUsers(directory: "Corp").map(\.name) == ["bob"])
        #expect(throws: IdPViewError.notFound(.user, id: stored.id)) {
            try store.deleteScimUser(app: app, id: stored.id, ifMatch: nil, audit: AuditContext())
        }
        // The userName is free again.
        #expect(throws: Never.self) { try fixture.createUser(app, ada) }
    }

    @Test func deleteWithMismatchingIfMatchKeepsTheUser() throws {
        let stored = try fixture.createUser(app, ada)
        #expect(throws: IdPViewError.versionMismatch(current: #"W/"1""#)) {
            try store.deleteScimUser(app: app, id: stored.id, ifMatch: #"W/"2""#, audit: AuditContext())
        }
        #expect(try store.scimUser(appID: app.id, id: stored.id) != nil)
        try store.deleteScimUser(app: app, id: stored.id, ifMatch: #"W/"1""#, audit: AuditContext())
        #expect(try store.scimUser(appID: app.id, id: stored.id) == nil)
    }

    @Test func directoryUserSharedByTwoAppsStaysUntilTheLastOneDeletes() throws {
        let other = try fixture.app("entra").app
        var rules = AppRules()
        rules.userSync.onDelete = .delete
        _ = try store.setRules(app: "okta", rules, dryRun: false, by: .test)
        rules.userSync.existingUsers = .adopt
        _ = try store.setRules(app: "entra", rules, dryRun: false, by: .test)
        let first = try fixture.createUser(app, ada)
        let second = try fixture.createUser(other, userBody(#""userName":"ada@corp.com""#))
        #expect(try store.directoryUsers(directory: "Corp").count == 1)
        try store.deleteScimUser(app: app, id: first.id, ifMatch: nil, audit: AuditContext())
        #expect(try store.directoryUsers(directory: "Corp").count == 1)
        try store.deleteScimUser(app: other, id: second.id, ifMatch: nil, audit: AuditContext())
        #expect(try store.directoryUsers(directory: "Corp").isEmpty)
    }

    @Test func usersSurviveReopeningTheDatabase() throws {
        let stored = try fixture.createUser(app, ada)
        let reopened = try DirectoryStore(path: fixture.path)
        #expect(try reopened.scimUser(appID: app.id, id: stored.id)?.json == stored.json)
    }
}
