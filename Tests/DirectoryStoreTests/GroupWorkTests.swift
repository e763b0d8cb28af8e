import DirectoryStore
import Foundation
import SCIM
import Testing

/// Large IdP groups: a delete or rename of a group with more than one batch of members changes
/// the IdP view at once and leaves the directory work queued, done batch by batch (here batches of
/// 3), resumable after a crash, and never undoing an IdP write that came meanwhile.
@Suite struct GroupWorkTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp
    /// A connection on the same file whose batches hold 3 memberships.
    let store: DirectoryStore

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
        store = try DirectoryStore(path: fixture.path, groupBatchSize: 3)
    }

    private var audit: AuditContext { AuditContext(appID: app.id, appName: app.name, requestID: "req-1") }

    private func users(_ count: Int, prefix: String = "user") throws -> [String] {
        try (0..<count).map { try fixture.createUser(app, userBody(#""userName":"\#(prefix)\#($0)""#)).id }
    }

    private static func body(_ name: String) throws -> JSONValue {
        try JSONParser.parse(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(name)"}"#)
    }

    private func group(_ name: String, _ members: [String]) throws -> StoredResource {
        let value = try Self.body(name)
        return try store.createScimGroup(app: app, members: members.map { MemberValue(id: $0) }, audit: audit) { id throws(ScimError) in
            try ResourceDocument.prepare(value, as: .group, id: id)
        }
    }

    private func rename(_ id: String, to name: String) throws {
        _ = try store.updateScimGroup(app: app, id: id, ifMatch: nil, audit: audit, memberChanges: []) { current throws(ScimError) in
            var renamed = current
            renamed["displayName"] = .string(name)
            return renamed
        }
    }

    private func members(_ group: String) throws -> [String] {
        guard try store.directoryGroups(directory: "Corp").contains(where: { $0.name == group }) else { return [] }
        return try store.directoryGroupMembers(group: group, directory: "Corp").map(\.name).sorted()
    }

    private func groupNames() throws -> [String] {
        try store.directoryGroups(directory: "Corp").map(\.name)
    }

    /// Runs batches as `owner` until none is left to claim; returns how many ran.
    @discardableResult
    private func drain(_ owner: String = "test", clock: Date? = nil) throws -> Int {
        var batches = 0
        while try store.runGroupWorkBatch(owner: owner, clock: clock) != nil { batches += 1 }
        return batches
    }

    private static func names(_ count: Int, prefix: String = "user") -> [String] {
        (0..<count).map { "\(prefix)\($0)" }.sorted()
    }

    @Test func deletingALargeGroupAnswersAtOnceAndReleasesItsMembershipsInBatches() throws {
        let people = try users(10)
        let eng = try group("Eng", people)
        try store.deleteScimGroup(app: app, id: eng.id, ifMatch: nil, audit: audit)

        #expect(try store.scimGroup(appID: app.id, id: eng.id) == nil)
        #expect(try store.scimGroups(appID: app.id, query: ListQuery()).totalResults == 0)
        #expect(try store.scimGroups(appID: app.id, containing: people[0]).isEmpty, "a user's groups")
        #expect(try members("Eng") == Self.names(10), "the directory catches up later")
        let request = try #require(try store.auditEntries(AuditQuery(app: "okta")).first { $0.operation == "group.delete" })
        #expect(request.detail?.contains("queued") == true)

        var sizes: [Int] = []
        while let batch = try store.runGroupWorkBatch(owner: "test") { sizes.append(batch.changes.count) }
        #expect(sizes.allSatisfy { $0 <= 3 + 1 }, "at most 3 memberships (and the group) per batch: \(sizes)")
        #expect(sizes.count >= 4)
        #expect(try groupNames().isEmpty)
        #expect(try !store.hasGroupWork())
        let batches = try store.auditEntries(AuditQuery(app: "okta")).filter { $0.operation == "group.delete.batch" }
        #expect(batches.count == sizes.count)
        #expect(batches.allSatisfy { $0.requestId == "req-1" })
    }

    @Test func aUserWriteDuringADeleteDoesNotBringTheMembershipBack() throws {
        let people = try users(10)
        let eng = try group("Eng", people)
        try store.deleteScimGroup(app: app, id: eng.id, ifMatch: nil, audit: audit)
        try fixture.replaceUser(app, people[9], userBody(#""userName":"user9","displayName":"Nine""#))
        _ = try store.runGroupWorkBatch(owner: "test")
        #expect(try members("Eng").contains("user9") == false)
        try drain()
        #expect(try groupNames().isEmpty)
    }

    @Test func listsTreatAQueuedDeleteAsADeletion() throws {
        let big = try group("A", try users(10))
        for name in ["B", "C", "D"] { _ = try group(name, []) }
        func page(_ start: Int) throws -> (names: [String], total: Int) {
            let page = try store.scimGroups(
                appID: app.id,
                query: try ListQuery.parse(["startIndex": "\(start)", "count": "2"], resourceType: .group)
            )
            return (page.resources.compactMap { $0.object()["displayName"]?.stringValue }, page.totalResults)
        }
        #expect(try page(1).names == ["A", "B"])
        try store.deleteScimGroup(app: app, id: big.id, ifMatch: nil, audit: audit)
        #expect(try page(3).names == ["D"], "the page after the first counts without the deleted group")
        #expect(try page(3).total == 3)
        try drain()
        #expect(try page(1).names == ["B", "C"])
        #expect(try page(1).total == 3, "counted deleted once")
    }

    @Test func aSmallGroupIsStillDeletedInItsRequest() throws {
        let eng = try group("Eng", try users(3))
        try store.deleteScimGroup(app: app, id: eng.id, ifMatch: nil, audit: audit)
        #expect(try groupNames().isEmpty)
        #expect(try !store.hasGroupWork())
    }

    @Test func aCrashedWorkersJobIsResumedByAnotherOnceItsLeaseHasPassed() throws {
        let eng = try group("Eng", try users(10))
        try store.deleteScimGroup(app: app, id: eng.id, ifMatch: nil, audit: audit)
        #expect(try store.runGroupWorkBatch(owner: "crashed") != nil)
        let left = try members("Eng")
        #expect(left.count == 7)

        #expect(try store.runGroupWorkBatch(owner: "other") == nil, "the job is leased")
        let later = Date().addingTimeInterval(GroupWork.leaseSeconds + 1)
        #expect(try drain("other", clock: later) >= 3)
        #expect(try groupNames().isEmpty)
        #expect(try !store.hasGroupWork())
    }

    @Test func aNewGroupOfTheSameNameKeepsWhatItGivesWhileTheOldOneIsReleased() throws {
        let people = try users(10)
        let old = try group("Eng", people)
        try store.deleteScimGroup(app: app, id: old.id, ifMatch: nil, audit: audit)
        _ = try store.runGroupWorkBatch(owner: "test")
        _ = try group("Eng", [people[9], people[0]])
        try drain()
        #expect(try members("Eng") == ["user0", "user9"])
    }

    @Test func renamingALargeGroupMovesEveryMemberBatchByBatch() throws {
        let eng = try group("Eng", try users(10))
        try rename(eng.id, to: "Engineering")
        #expect(try store.scimGroup(appID: app.id, id: eng.id)?.object()["displayName"]?.stringValue == "Engineering")
        #expect(try members("Eng") == Self.names(10), "not moved yet")
        #expect(try members("Engineering").isEmpty)

        _ = try store.runGroupWorkBatch(owner: "test")
        #expect(try members("Eng").count == 7)
        #expect(try members("Engineering").count == 3)
        try drain()
        #expect(try members("Engineering") == Self.names(10))
        #expect(try groupNames() == ["Engineering"])
    }

    @Test func idpWritesDuringARenameAreKept() throws {
        let people = try users(10)
        let eng = try group("Eng", people)
        try rename(eng.id, to: "Engineering")
        _ = try store.runGroupWorkBatch(owner: "test")
        // Meanwhile the IdP removes a member, adds a new one, and renames the group again.
        let newcomer = try users(1, prefix: "new")[0]
        let removed = people.sorted().last!
        _ = try store.updateScimGroup(
            app: app,
            id: eng.id,
            ifMatch: nil,
            audit: audit,
            memberChanges: [.remove(ids: [removed]), .add([MemberValue(id: newcomer)])],
            transform: nil
        )
        try rename(eng.id, to: "R&D")
        try drain()

        let removedName = try #require(try store.scimUser(appID: app.id, id: removed)?.object()["userName"]?.stringValue)
        #expect(try members("R&D") == (Self.names(10).filter { $0 != removedName } + ["new0"]).sorted())
        #expect(try groupNames() == ["R&D"])
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test).isEmpty, "nothing left for sync")
    }

    @Test func aDeleteDuringARenameReleasesEverything() throws {
        let eng = try group("Eng", try users(10))
        try rename(eng.id, to: "Engineering")
        _ = try store.runGroupWorkBatch(owner: "test")
        try store.deleteScimGroup(app: app, id: eng.id, ifMatch: nil, audit: audit)
        try drain()
        #expect(try groupNames().isEmpty)
        #expect(try !store.hasGroupWork())
    }

    @Test func synchronizeFinishesQueuedWork() throws {
        let eng = try group("Eng", try users(10))
        try store.deleteScimGroup(app: app, id: eng.id, ifMatch: nil, audit: audit)
        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(changes.filter { $0.change == .membershipRemoved }.count == 10)
        #expect(try groupNames().isEmpty)
        #expect(try !store.hasGroupWork())
    }

    @Test func aPutThatChangesNothingChangesNothing() throws {
        let people = try users(5)
        let eng = try group("Eng", people)
        let before = try store.auditEntries(AuditQuery(app: "okta")).count
        tick()
        let value = try Self.body("Eng")
        let stored = try store.updateScimGroup(
            app: app,
            id: eng.id,
            ifMatch: nil,
            audit: audit,
            memberChanges: [.replace(people.reversed().map { MemberValue(id: $0) })]
        ) { _ throws(ScimError) in
            try ResourceDocument.prepare(value, as: .group, id: eng.id)
        }
        #expect(stored.meta.version == eng.meta.version)
        #expect(stored.meta.lastModified == eng.meta.lastModified)
        #expect(try store.auditEntries(AuditQuery(app: "okta")).count == before)
        #expect(try members("Eng") == Self.names(5))
    }

    @Test func aPutThatReplacesSomeMembersDerivesOnlyThose() throws {
        let people = try users(5)
        let eng = try group("Eng", people)
        let stored = try store.updateScimGroup(
            app: app,
            id: eng.id,
            ifMatch: nil,
            audit: audit,
            memberChanges: [.replace(people.dropFirst().map { MemberValue(id: $0) })],
            transform: nil
        )
        #expect(stored.meta.version == eng.meta.version + 1)
        let update = try #require(try store.auditEntries(AuditQuery(app: "okta")).first { $0.operation == "group.update" })
        #expect(update.detail?.components(separatedBy: "membership removed").count == 2, "\(update.detail ?? "")")
        #expect(try members("Eng").count == 4)
    }
}
