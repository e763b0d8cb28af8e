import GRDB
import SCIM
import TestSupport
import Testing

@testable import DirectoryStore

/// `startIndex` walks of an unfiltered list (Okta's import) continue from the previous page's last
/// key, and read `totalResults` from the app's tally: pages must be exactly what `OFFSET` gives,
/// whatever is created and deleted between them.
@Suite struct IndexWalkTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
        for i in 0..<25 { try fixture.createUser(app, userBody(#""userName":"u\#(String(format: "%02d", i))""#)) }
    }

    func page(_ start: Int, count: Int = 10) throws -> (names: [String], total: Int) {
        try fixture.list(app, ["startIndex": "\(start)", "count": "\(count)"])
    }

    func expected(_ start: Int, count: Int = 10) throws -> [String] {
        try fixture.store.connection.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT user_name FROM scim_user WHERE app_id = ? ORDER BY pk LIMIT ? OFFSET ?",
                arguments: [app.id, count, start - 1]
            )
        }
    }

    @Test func aWalkContinuesFromTheLastKeyOfThePageBefore() throws {
        #expect(try page(1).names == (0..<10).map { String(format: "u%02d", $0) })
        let lastKey = try fixture.store.connection.read { db in
            try Int64.fetchOne(db, sql: "SELECT pk FROM scim_user WHERE user_name = 'u09'")
        }
        let tally = try #require(try fixture.store.read { db in try DirectoryStore.tally(db, table: .users, appID: app.id) })
        let next = PagePositions.Key(database: fixture.path, appID: app.id, table: .users, startIndex: 11)
        #expect(PagePositions.shared.start(of: next, deletions: tally.deletions) == lastKey)
        #expect(try page(11).names == (10..<20).map { String(format: "u%02d", $0) })
        #expect(try page(21) == (names: (20..<25).map { String(format: "u%02d", $0) }, total: 25))
    }

    @Test func pagesStayExactWhenUsersComeAndGoBetweenThem() throws {
        _ = try page(1)
        try fixture.createUser(app, userBody(#""userName":"late""#))
        #expect(try page(11).names == (try expected(11)), "an insert goes after every key")
        let early = try #require(
            try fixture.store.connection.read { db in try String.fetchOne(db, sql: "SELECT id FROM scim_user WHERE user_name = 'u03'") }
        )
        try fixture.store.deleteScimUser(app: app, id: early, ifMatch: nil, audit: AuditContext())
        let after = try page(21)
        #expect(after.names == (try expected(21)), "a deletion before the page moves every later row up by one")
        #expect(after.total == 25)
    }

    @Test func theTallyFollowsCreatesAndDeletesAndAFilterStillCounts() throws {
        #expect(try page(1).total == 25)
        #expect(try fixture.list(app, ["filter": #"userName sw "u1""#]).total == 10)
        try fixture.store.deleteApp("okta", by: .test)
        let counts = try fixture.store.connection.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM scim_tally") }
        #expect(counts == 0, "an app's tally goes with it")
    }
}
