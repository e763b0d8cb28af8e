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
        let list = PagePositions.List(database: fixture.path, appID: app.id, table: .users)
        #expect(PagePositions.shared.nearest(atOrBelow: 11, in: list, deletions: tally.deletions)?.afterKey == lastKey)
        #expect(try page(11).names == (10..<20).map { String(format: "u%02d", $0) })
        #expect(try page(21) == (names: (20..<25).map { String(format: "u%02d", $0) }, total: 25))
    }

    @Test func aPageNobodyAskedThePageBeforeOfStartsFromTheNearestKnownPositionBelow() throws {
        _ = try page(1, count: 5)  // learns where index 6 starts
        #expect(try page(9, count: 5).names == (try expected(9, count: 5)), "skips 3 rows after index 5, not 8")
        #expect(try page(17, count: 3).names == (try expected(17, count: 3)))
        #expect(try page(2, count: 4).names == (try expected(2, count: 4)), "below every position learnt but 6")
        #expect(try page(7, count: 30).names == (try expected(7, count: 30)))
        #expect(try page(Int.max) == (names: [], total: 25), "the largest startIndex a client can send")
        #expect(try page(Int.max - 1, count: 1000) == (names: [], total: 25))
    }

    @Test func keptPositionsStaySpreadOverTheListWhenThereAreTooMany() throws {
        let positions = PagePositions()
        let list = PagePositions.List(database: "test", appID: 1, table: .users)
        for page in 0...PagePositions.positionsPerList {
            positions.learn(PagePositions.Position(startIndex: page * 100 + 101, afterKey: Int64(page * 100 + 100)), in: list, deletions: 0)
        }
        let last = try #require(positions.nearest(atOrBelow: 10_000_000, in: list, deletions: 0))
        #expect(last.startIndex > 900_000, "the far end is still known")
        let middle = try #require(positions.nearest(atOrBelow: 500_050, in: list, deletions: 0))
        #expect((499_000...500_050).contains(middle.startIndex) && middle.afterKey == Int64(middle.startIndex - 1))
        #expect(positions.nearest(atOrBelow: 500_050, in: list, deletions: 1) == nil, "a deletion since invalidates them")
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
