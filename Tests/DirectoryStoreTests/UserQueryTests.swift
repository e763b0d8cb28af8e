import Foundation
import GRDB
import SCIM
import TestSupport
import Testing

@testable import DirectoryStore

private let department = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"

/// Three users of one app (and a decoy in another app) to list, filter, sort and page.
@Suite struct UserQueryTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp
    let alice: StoredResource
    let albert: StoredResource
    let bob: StoredResource

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
        let other = try fixture.app("entra", directory: "Other").app
        alice = try fixture.createUser(
            app,
            userBody(
                """
                "userName":"Alice@Corp.com","externalId":"EXT-1","title":"Engineer",
                "name":{"givenName":"Alice","familyName":"Smith"},
                "emails":[{"value":"alice@corp.com","type":"work","primary":true}],"active":true,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}
                """
            )
        )
        tick()
        albert = try fixture.createUser(
            app,
            userBody(
                """
                "userName":"albert@corp.com","externalId":"ext-1","displayName":"Al Jones",
                "name":{"givenName":"Albert","familyName":"Jones"},
                "emails":[{"value":"albert@corp.com","type":"home"},{"value":"albert@gmail.com","type":"work"}],"active":false,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"X","manager":{"value":"boss-1"}}
                """
            )
        )
        tick()
        bob = try fixture.createUser(
            app,
            userBody(
                """
                "userName":"bob@corp.com","externalId":"EXT-3","name":{"givenName":"Bob","familyName":"Brown"},
                "emails":[{"value":"bob@corp.com","type":"work"}]
                """
            )
        )
        try fixture.createUser(other, userBody(#""userName":"alice@corp.com","externalId":"EXT-1","active":false"#))
    }

    private func names(_ filter: String) throws -> [String] {
        try fixture.names(app, filter: filter)
    }

    @Test func listsAllUsersOfTheAppInCreationOrder() throws {
        let all = try fixture.list(app, [:])
        #expect(all.names == ["Alice@Corp.com", "albert@corp.com", "bob@corp.com"])
        #expect(all.total == 3)
    }

    @Test func userNameEqualityIgnoresCase() throws {
        #expect(try names(#"userName eq "ALICE@CORP.COM""#) == ["Alice@Corp.com"])
        #expect(try names(#"userName eq "alice@corp.com""#) == ["Alice@Corp.com"])
        #expect(try names(#"userName sw "AL""#) == ["Alice@Corp.com", "albert@corp.com"])
        #expect(try names(#"userName ne "BOB@corp.com""#) == ["Alice@Corp.com", "albert@corp.com"])
    }

    @Test func externalIdEqualityIsCaseExact() throws {
        #expect(try names(#"externalId eq "EXT-1""#) == ["Alice@Corp.com"])
        #expect(try names(#"externalId eq "ext-1""#) == ["albert@corp.com"])
        #expect(try names("externalId eq ext-1") == ["albert@corp.com"])
        #expect(try names(#"externalId sw "EXT""#) == ["Alice@Corp.com", "bob@corp.com"])
        #expect(try names(#"externalId co "xt-""#) == ["albert@corp.com"])
        #expect(try names(#"id eq "\#(albert.id)""#) == ["albert@corp.com"])
        #expect(try names(#"id eq "\#(albert.id.uppercased())""#) == [])
    }

    @Test func valuePathMatchesWithinOneElement() throws {
        // albert has an @corp address, but it is his home one.
        #expect(try names(#"emails[type eq "work" and value co "@corp"]"#) == ["Alice@Corp.com", "bob@corp.com"])
        #expect(try names(#"emails[type eq "WORK" and value co "@CORP"]"#) == ["Alice@Corp.com", "bob@corp.com"])
        #expect(try names(#"emails[type eq "home"]"#) == ["albert@corp.com"])
        #expect(try names(#"emails.value ew "@gmail.com""#) == ["albert@corp.com"])
        #expect(try names(#"emails co "albert@""#) == ["albert@corp.com"])
        #expect(try names(#"emails[primary eq true]"#) == ["Alice@Corp.com"])
    }

    @Test func entraMatchingFilterMatchesTheSubAttributeOfTheFilteredElementOnly() throws {
        // albert's work address is albert@gmail.com; albert@corp.com is his home one.
        #expect(try names(#"emails[type eq "work"].value eq "albert@gmail.com""#) == ["albert@corp.com"])
        #expect(try names(#"emails[type eq "work"].value eq "ALBERT@gmail.com""#) == ["albert@corp.com"])
        #expect(try names(#"emails[type eq "work"].value eq "albert@corp.com""#) == [])
        #expect(try names(#"emails[type eq "home"].value eq "albert@corp.com""#) == ["albert@corp.com"])
        #expect(try names(#"emails[type eq "work"].value co "@corp""#) == ["Alice@Corp.com", "bob@corp.com"])
        #expect(try names(#"emails[type eq "home"].value pr"#) == ["albert@corp.com"])
        #expect(try names(#"emails[type eq "work"].primary eq true"#) == ["Alice@Corp.com"])
        #expect(try names(#"not (emails[type eq "work"].value pr)"#) == [])
        #expect(try names(#"emails[value eq "x"].foo pr"#) == [])
    }

    @Test func subAttributes() throws {
        #expect(try names(#"name.givenName sw "Al""#) == ["Alice@Corp.com", "albert@corp.com"])
        #expect(try names(#"name.givenName sw "al""#) == ["Alice@Corp.com", "albert@corp.com"])
        #expect(try names(#"name.familyName eq "SMITH""#) == ["Alice@Corp.com"])
        #expect(try names(#"displayName co "jones""#) == ["albert@corp.com"])
        #expect(try names("title pr") == ["Alice@Corp.com"])
        #expect(try names("displayName pr") == ["albert@corp.com"])
    }

    @Test func booleans() throws {
        #expect(try names("active eq false") == ["albert@corp.com"])
        // bob did not send `active`: he is active.
        #expect(try names("active eq true") == ["Alice@Corp.com", "bob@corp.com"])
        #expect(try names("active ne false") == ["Alice@Corp.com", "bob@corp.com"])
    }

    @Test func logicalOperators() throws {
        #expect(try names("not (active eq false)") == ["Alice@Corp.com", "bob@corp.com"])
        #expect(try names(#"not (userName sw "a")"#) == ["bob@corp.com"])
        #expect(try names(#"userName eq "bob@corp.com" or externalId eq "ext-1""#) == ["albert@corp.com", "bob@corp.com"])
        #expect(try names(#"(userName sw "a" or userName sw "b") and active eq true"#) == ["Alice@Corp.com", "bob@corp.com"])
        #expect(try names(#"userName sw "a" or userName sw "b" and active eq false"#) == ["Alice@Corp.com", "albert@corp.com"])
    }

    @Test func extensionAttributes() throws {
        #expect(try names(#"\#(department) eq "X""#) == ["albert@corp.com"])
        #expect(try names(#"\#(department) eq "sales""#) == ["Alice@Corp.com"])
        #expect(try names("\(department) pr") == ["Alice@Corp.com", "albert@corp.com"])
        #expect(try names(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "boss-1""#) == ["albert@corp.com"])
        #expect(try names(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "BOSS-1""#) == [])
        #expect(try names(#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@corp.com""#) == ["bob@corp.com"])
    }

    @Test func metaDates() throws {
        #expect(try names(#"meta.lastModified gt "2000-01-01T00:00:00Z""#).count == 3)
        #expect(try names(#"meta.lastModified lt "2000-01-01T00:00:00Z""#) == [])
        #expect(try names(#"meta.created ge "\#(albert.meta.created)""#) == ["albert@corp.com", "bob@corp.com"])
        tick()
        try fixture.replaceUser(app, alice.id, userBody(#""userName":"Alice@Corp.com","title":"Manager""#))
        #expect(try names(#"meta.lastModified gt "\#(bob.meta.lastModified)""#) == ["Alice@Corp.com"])
        #expect(try names(#"meta.lastModified le "\#(bob.meta.lastModified)""#) == ["albert@corp.com", "bob@corp.com"])
    }

    @Test func metaDatesComparedWithSecondPrecisionTimestamps() throws {
        // Clients commonly send RFC 3339 times without fractional seconds (RFC 7644's examples do).
        // A user modified during second S was modified at or after S and before S+1.
        let stamp = bob.meta.lastModified  // e.g. 2024-05-01T12:00:00.123Z
        let second = String(stamp.prefix(19)) + "Z"  // 2024-05-01T12:00:00Z
        let date = try #require(ISO8601DateFormatter().date(from: second))
        let next = ISO8601DateFormatter().string(from: date.addingTimeInterval(1))
        #expect(try names(#"meta.lastModified ge "\#(second)""#).contains("bob@corp.com"))
        #expect(try names(#"meta.lastModified lt "\#(next)""#).contains("bob@corp.com"))
    }

    @Test func filtersTheStoreCannotEvaluateAreInvalidFilter() throws {
        for filter in [
            #"active eq "yes""#, #"meta.version eq "W/\"1\"""#, #"userName[value eq "x"]"#, "active gt true",
            #"userName[type eq "work"].value eq "x""#,
        ] {
            let error = #expect(throws: IdPViewError.self) { try names(filter) }
            guard case .unsupportedFilter? = error else {
                Issue.record("\(filter): \(String(describing: error))")
                continue
            }
        }
        // A path no attribute can have is refused by the parser, before the store.
        let error = #expect(throws: ScimError.self) { try names(#"name[givenName eq "a"].familyName.x eq "b""#) }
        #expect(error?.scimType == .invalidFilter)
    }

    // MARK: paging and sorting

    @Test func pagesWithStartIndexAndCount() throws {
        let sorted = ["sortBy": "userName"]
        let first = try fixture.list(app, sorted.merging(["startIndex": "1", "count": "2"]) { $1 })
        #expect(first.names == ["albert@corp.com", "Alice@Corp.com"])
        #expect(first.total == 3)
        let last = try fixture.list(app, sorted.merging(["startIndex": "3", "count": "2"]) { $1 })
        #expect(last.names == ["bob@corp.com"])
        #expect(last.total == 3)
        #expect(try fixture.list(app, sorted.merging(["startIndex": "4"]) { $1 }) == ([], 3))
        #expect(try fixture.list(app, ["count": "0"]) == ([], 3))
        #expect(try fixture.list(app, ["startIndex": "0", "count": "1"]).names == ["Alice@Corp.com"])
        let filtered = try fixture.list(app, ["filter": #"userName sw "a""#, "startIndex": "2", "count": "1"])
        #expect(filtered.names == ["albert@corp.com"])
        #expect(filtered.total == 2)
    }

    /// A filtered page's total comes from the page when it holds every match from the first one,
    /// and from a count otherwise; statements kept prepared give the same answers when reused.
    @Test func filteredTotalsWhetherThePageHoldsEveryMatchOrNot() throws {
        for _ in 1...2 {
            #expect(try fixture.list(app, ["filter": #"userName sw "a""#]) == (["Alice@Corp.com", "albert@corp.com"], 2))
            #expect(try fixture.list(app, ["filter": #"userName sw "a""#, "count": "1"]) == (["Alice@Corp.com"], 2))
            #expect(try fixture.list(app, ["filter": #"userName sw "a""#, "count": "2"]) == (["Alice@Corp.com", "albert@corp.com"], 2))
            #expect(try fixture.list(app, ["filter": #"userName eq "nobody""#]) == ([], 0))
            #expect(try fixture.list(app, ["filter": #"userName sw "a""#, "startIndex": "3"]) == ([], 2))
            #expect(try fixture.list(app, ["filter": #"userName sw "a" or userName eq "bob@corp.com""#, "count": "1"]).total == 3)
        }
    }

    @Test func sortsByIndexedJSONAndMetaAttributes() throws {
        #expect(
            try fixture.list(app, ["sortBy": "userName", "sortOrder": "descending"]).names
                == ["bob@corp.com", "Alice@Corp.com", "albert@corp.com"]
        )
        #expect(try fixture.list(app, ["sortBy": "name.familyName"]).names == ["bob@corp.com", "albert@corp.com", "Alice@Corp.com"])
        #expect(
            try fixture.list(app, ["sortBy": "externalId", "sortOrder": "ascending"]).names
                == ["Alice@Corp.com", "bob@corp.com", "albert@corp.com"]
        )
        #expect(
            try fixture.list(app, ["sortBy": "meta.created", "sortOrder": "descending"]).names
                == ["bob@corp.com", "albert@corp.com", "Alice@Corp.com"]
        )
        #expect(try fixture.list(app, ["sortBy": department]).names.last == "albert@corp.com")
    }

    // MARK: query plans

    /// SQLite's plan for the page query of a filter, as the store would run it.
    private func plan(_ filter: String) throws -> [String] {
        let condition = try FilterSQL(columns: FilterSQL.users).compile(try FilterParser.parse(filter))
        let queue = try DatabaseQueue(path: fixture.path)
        return try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT id, resource, version, created_at, modified_at, pk FROM scim_user
                    WHERE app_id = ? AND \(condition.text) ORDER BY pk LIMIT 100 OFFSET 0
                    """,
                arguments: StatementArguments([app.id.databaseValue] + condition.arguments)
            ).map { $0["detail"] as String }
        }
    }

    @Test func userNameFilterUsesTheIndex() throws {
        let steps = try plan(#"userName eq "Alice@Corp.com""#)
        #expect(steps.contains { $0.contains("scim_user_name") }, "\(steps)")
        #expect(!steps.contains { $0.hasPrefix("SCAN") }, "\(steps)")
    }

    @Test func unfilteredPagesWalkAnIndexInKeyOrderWithoutSorting() throws {
        let queue = try DatabaseQueue(path: fixture.path)
        let steps = try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT id, resource FROM scim_user WHERE app_id = ? ORDER BY pk LIMIT 100 OFFSET 5000
                    """,
                arguments: [app.id]
            ).map { $0["detail"] as String }
        }
        #expect(steps.contains { $0.contains("scim_user_app") }, "\(steps)")
        #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
    }

    @Test func emailValueEqualityIgnoresCaseAndUsesTheIndex() throws {
        #expect(try names(#"emails.value eq "ALBERT@gmail.com""#) == ["albert@corp.com"])
        #expect(try names(#"emails[value eq "Bob@Corp.com"]"#) == ["bob@corp.com"])
        #expect(try names(#"emails eq "alice@corp.com""#) == ["Alice@Corp.com"])
        for filter in [#"emails.value eq "bob@corp.com""#, #"emails[value eq "bob@corp.com"]"#] {
            let steps = try plan(filter)
            #expect(steps.contains { $0.contains("scim_user_email") && $0.hasPrefix("SEARCH") }, "\(steps)")
        }
    }

    @Test func emailIndexFollowsUpdates() throws {
        let page = try fixture.store.scimUsers(appID: app.id, query: ListQuery(filter: try FilterParser.parse(#"userName eq "bob@corp.com""#)))
        let bob = try #require(page.resources.first)
        _ = try fixture.store.updateScimUser(app: app, id: bob.id, ifMatch: nil, audit: AuditContext()) { current in
            var updated = current
            updated["emails"] = .array([.object(JSONObject([("value", .string("robert@corp.com"))]))])
            return updated
        }
        #expect(try names(#"emails.value eq "bob@corp.com""#).isEmpty)
        #expect(try names(#"emails.value eq "robert@corp.com""#) == ["bob@corp.com"])
    }

    @Test func externalIdFilterUsesTheIndex() throws {
        let steps = try plan(#"externalId eq "EXT-1""#)
        #expect(steps.contains { $0.contains("scim_user_external") }, "\(steps)")
        #expect(!steps.contains { $0.hasPrefix("SCAN") }, "\(steps)")
    }
}

/// Case-insensitive filters on attributes beyond ASCII.
@Suite struct NonASCIIFilterTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
        try fixture.createUser(
            app,
            userBody(
                """
                "userName":"Élodie@Corp.com","displayName":"Élodie Durand","name":{"givenName":"Élodie","familyName":"Øster"},
                "emails":[{"value":"élodie@corp.com","type":"Work"}]
                """
            )
        )
        try fixture.createUser(app, userBody(#""userName":"bob@corp.com","displayName":"Bob""#))
    }

    @Test func userNameFoldsNonASCIICase() throws {
        #expect(try fixture.names(app, filter: #"userName eq "élodie@corp.com""#) == ["Élodie@Corp.com"])
        #expect(try fixture.names(app, filter: #"userName eq "ÉLODIE@CORP.COM""#) == ["Élodie@Corp.com"])
        #expect(try fixture.names(app, filter: #"userName sw "élo""#) == ["Élodie@Corp.com"])
    }

    @Test func exactValueOfACaseInsensitiveAttributeMatches() throws {
        // The value exactly as stored must match, whatever the folding.
        #expect(try fixture.names(app, filter: #"displayName eq "Élodie Durand""#) == ["Élodie@Corp.com"])
        #expect(try fixture.names(app, filter: #"name.givenName eq "Élodie""#) == ["Élodie@Corp.com"])
        #expect(try fixture.names(app, filter: #"name.familyName sw "Øs""#) == ["Élodie@Corp.com"])
    }

    @Test func caseInsensitiveAttributesFoldNonASCIICase() throws {
        #expect(try fixture.names(app, filter: #"displayName eq "élodie durand""#) == ["Élodie@Corp.com"])
        #expect(try fixture.names(app, filter: #"name.givenName co "ÉLO""#) == ["Élodie@Corp.com"])
        #expect(try fixture.names(app, filter: #"emails[value eq "ÉLODIE@corp.com"]"#) == ["Élodie@Corp.com"])
    }
}
