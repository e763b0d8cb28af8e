import DirectoryOperations
import DirectoryStore
import Foundation
import GRDB
import SyncRules
import TestSupport
import Testing

@Suite struct CrowdStoreTests {
    let fixture: StoreFixture
    var store: DirectoryStore { fixture.store }

    init() throws {
        fixture = try StoreFixture()
        try store.createDirectory(name: "Corp", by: .test)
        try store.createDirectory(name: "Lab", by: .test)
    }

    @Test func aClientAuthenticatesOnlyWithItsCurrentPasswordWhileEnabled() throws {
        let created = try store.createCrowdClient(name: "jira", directories: ["Lab", "Corp"], allowedAddresses: ["10.1.2.3/8"], by: .test)
        #expect(created.client.directories == ["Lab", "Corp"])
        #expect(created.client.allowedAddresses == ["10.0.0.0/8"])
        let grant = try #require(try store.authenticateCrowdClient(name: "JIRA", password: created.password))
        #expect(grant.directoryIDs == [try store.directory(named: "Lab")!.id, try store.directory(named: "Corp")!.id])
        #expect(grant.allows(address: "10.9.9.9") && !grant.allows(address: "192.168.0.1") && !grant.allows(address: nil))
        #expect(try store.authenticateCrowdClient(name: "jira", password: created.password + "x") == nil)
        try store.setCrowdClientEnabled("jira", enabled: false, by: .test)
        #expect(try store.authenticateCrowdClient(name: "jira", password: created.password)?.enabled == false)
        let rotated = try store.rotateCrowdClientPassword("jira", by: .test)
        #expect(try store.authenticateCrowdClient(name: "jira", password: created.password) == nil)
        #expect(try store.authenticateCrowdClient(name: "jira", password: rotated) != nil)
        try store.deleteCrowdClient("jira", by: .test)
        #expect(try store.authenticateCrowdClient(name: "jira", password: rotated) == nil)
    }

    @Test func clientsAreRefusedWhatTheyCannotUse() throws {
        #expect(throws: StoreError.self) { try store.createCrowdClient(name: "a", directories: [], allowedAddresses: [], by: .test) }
        #expect(throws: StoreError.self) { try store.createCrowdClient(name: "a", directories: ["Nowhere"], allowedAddresses: [], by: .test) }
        #expect(throws: StoreError.self) { try store.createCrowdClient(name: "a", directories: ["Corp", "corp"], allowedAddresses: [], by: .test) }
        #expect(throws: StoreError.self) {
            try store.createCrowdClient(name: "a", directories: ["Corp"], allowedAddresses: ["10.0.0.0/99"], by: .test)
        }
        _ = try store.createCrowdClient(name: "a", directories: ["Corp"], allowedAddresses: [], by: .test)
        #expect(throws: StoreError.self) { try store.createCrowdClient(name: "A", directories: ["Corp"], allowedAddresses: [], by: .test) }
    }

    @Test func passwordHashesAreSaltedAndVerifyInConstantForm() throws {
        let first = try CrowdPassword.hash("secret")
        #expect(first != (try CrowdPassword.hash("secret")))
        #expect(first.hasPrefix("pbkdf2-sha256$210000$"))
        #expect(CrowdPassword.verify("secret", against: first) && !CrowdPassword.verify("Secret", against: first))
        #expect(!CrowdPassword.verify("secret", against: "none") && !CrowdPassword.verify("secret", against: "pbkdf2-sha256$0$$"))
    }

    @Test func theFeedRecordsEveryAdminChangeInItsTransaction() throws {
        let token = try store.crowdEventToken()
        let corp = try #require(try store.directory(named: "Corp")).id
        try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "ann"), by: .test)
        try store.createDirectoryGroup(name: "devs", directory: "Corp", by: .test)
        try store.createDirectoryGroup(name: "all", directory: "Corp", by: .test)
        try store.addDirectoryMember(group: "devs", directory: "Corp", member: "ann", kind: .user, by: .test)
        try store.addDirectoryMember(group: "all", directory: "Corp", member: "devs", kind: .group, by: .test)
        try store.removeDirectoryMember(group: "devs", directory: "Corp", member: "ann", kind: .user, by: .test)
        try store.createDirectoryGroup(name: "elsewhere", directory: "Lab", by: .test)
        guard case .events(let events, let next) = try store.crowdEvents(since: token, in: [corp]) else {
            Issue.record("the token expired")
            return
        }
        #expect(
            events.map { "\($0.kind.rawValue) \($0.operation) \($0.name) \($0.memberName ?? "-")" } == [
                "user CREATED ann -", "group CREATED devs -", "group CREATED all -", "membership CREATED devs ann",
                "membership CREATED all devs", "membership DELETED devs ann",
            ]
        )
        #expect(try store.crowdEvents(since: next, in: [corp]) == .events([], newToken: next))
        #expect(try store.crowdEvents(since: "feedface-0", in: [corp]) == .expired)
        let parts = next.split(separator: "-")
        #expect(try store.crowdEvents(since: "\(parts[0])-\(Int(parts[1])! + 1)", in: [corp]) == .expired, "a position not reached yet")
    }

    @Test func aDeletedDirectorysEventsDoNotReachTheNextDirectoryOfItsID() throws {
        let token = try store.crowdEventToken()
        let lab = try #require(try store.directory(named: "Lab")).id
        try store.createLocalUser(directory: "Lab", fields: DirectoryUserFields(username: "ann"), by: .test)
        // Ann leaves (her IdP deleted her), so Lab holds nothing and an import may delete it.
        try DatabaseQueue(path: fixture.path).write { db in try db.execute(sql: "DELETE FROM dir_user WHERE name = 'ann'") }
        var configuration = try store.exportConfiguration()
        configuration.directories.removeAll { $0 == "Lab" }
        _ = try store.importConfiguration(configuration, mode: .replace, dryRun: false, by: .test)
        try store.createDirectory(name: "Lab 2", by: .test)
        let reused = try #require(try store.directory(named: "Lab 2")).id
        try #require(reused == lab, "SQLite gives the new directory the deleted one's id")
        guard case .events(let events, _) = try store.crowdEvents(since: token, in: [reused]) else {
            Issue.record("the token expired")
            return
        }
        #expect(events.isEmpty, "\(events)")
    }

    @Test func nestedGroupsOfAUserFollowTheDirectorysNesting() throws {
        let corp = try #require(try store.directory(named: "Corp")).id
        try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "ann"), by: .test)
        for group in ["c", "b", "a"] { try store.createDirectoryGroup(name: group, directory: "Corp", by: .test) }
        try store.addDirectoryMember(group: "c", directory: "Corp", member: "ann", kind: .user, by: .test)
        try store.addDirectoryMember(group: "b", directory: "Corp", member: "c", kind: .group, by: .test)
        try store.addDirectoryMember(group: "a", directory: "Corp", member: "b", kind: .group, by: .test)
        let ann = try #require(try store.crowdUser(named: "ANN", in: [corp]))
        let all = CrowdPage(start: 0, count: 100)
        #expect(try store.crowdGroups(of: ann, .direct, page: all).map(\.name) == ["c"])
        #expect(try store.crowdGroups(of: ann, .nested, page: all).map(\.name) == ["a", "b", "c"])
        #expect(try store.crowdGroups(of: ann, .nested, page: CrowdPage(start: 1, count: 1)).map(\.name) == ["b"])
        #expect(try store.crowdGroups(of: ann, .nested, named: "A", page: all).map(\.name) == ["a"])
        let a = try #require(try store.crowdGroup(named: "a", in: [corp]))
        #expect(try store.crowdUsers(of: a, .nested, page: all).map(\.name) == ["ann"])
        #expect(try store.crowdUsers(of: a, .direct, page: all).isEmpty)
        #expect(try store.crowdChildGroups(of: a, .nested, page: all).map(\.name) == ["b", "c"])
    }

    @Test func theFirstDirectoryHoldingANameWins() throws {
        let (lab, corp) = (try #require(try store.directory(named: "Lab")).id, try #require(try store.directory(named: "Corp")).id)
        try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "ann", email: "ann@corp.test"), by: .test)
        try store.createLocalUser(directory: "Lab", fields: DirectoryUserFields(username: "ANN", email: "ann@lab.test"), by: .test)
        try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "bob"), by: .test)
        #expect(try store.crowdUser(named: "ann", in: [lab, corp])?.email == "ann@lab.test")
        #expect(try store.crowdUser(named: "ann", in: [corp, lab])?.email == "ann@corp.test")
        let everyone = try store.crowdSearchUsers(.all, in: [lab, corp], page: CrowdPage(start: 0, count: 10))
        #expect(everyone.map(\.email) == ["ann@lab.test", nil])
        let contains = CrowdRestriction.property(name: "email", mode: .contains, value: "CORP")
        #expect(try store.crowdSearchUsers(contains, in: [lab, corp], page: CrowdPage(start: 0, count: 10)).isEmpty, "Lab's ann hides Corp's")
        #expect(try store.crowdSearchUsers(contains, in: [corp], page: CrowdPage(start: 0, count: 10)).map(\.name) == ["ann"])
        #expect(throws: StoreError.self) {
            try store.crowdSearchUsers(
                .property(name: "shoeSize", mode: .exactlyMatches, value: "9"),
                in: [corp],
                page: CrowdPage(start: 0, count: 1)
            )
        }
    }

    /// A restriction of 1,500 null restrictions reached SQLite as a condition nested too deep.
    @Test func aSearchOfTooManyRestrictionsIsRefusedBeforeSQLite() throws {
        let corp = try #require(try store.directory(named: "Corp")).id
        #expect(throws: StoreError.self) {
            try store.crowdSearchUsers(.and(Array(repeating: .all, count: 1_500)), in: [corp], page: CrowdPage(start: 0, count: 10))
        }
        #expect(try store.crowdSearchUsers(.and(Array(repeating: .all, count: 199)), in: [corp], page: CrowdPage(start: 0, count: 10)).isEmpty)
    }

    /// An unknown client name was refused without the slow hash (about a millisecond against a
    /// wrong password's ~0.1 s): the answer's time told which client names exist.
    @Test func anUnknownClientNameCostsTheSlowHashToo() throws {
        let created = try store.createCrowdClient(name: "jira", directories: ["Corp"], allowedAddresses: [], by: .test)
        let clock = ContinuousClock()
        var start = clock.now
        #expect(try store.authenticateCrowdClient(name: "jira", password: created.password + "x") == nil)
        let wrong = clock.now - start
        start = clock.now
        #expect(try store.authenticateCrowdClient(name: "nobody", password: created.password) == nil)
        let unknown = clock.now - start
        #expect(unknown > wrong / 3, "unknown name \(unknown), wrong password \(wrong)")
        #expect(CrowdPassword.verify("", against: CrowdPassword.unknownClientHash) == false)
    }

    /// An allowed range that no longer parsed was dropped, and a client whose only range it was
    /// could call from any address.
    @Test func anUnreadableAllowedRangeRefusesEveryAddress() throws {
        let created = try store.createCrowdClient(name: "jira", directories: ["Corp"], allowedAddresses: ["10.0.0.0/8"], by: .test)
        try store.write { db in
            try db.execute(sql: "UPDATE crowd_client_address SET cidr = 'fe80::1%eth0/64' WHERE client_id = ?", arguments: [created.client.id])
            try db.execute(sql: "UPDATE crowd_client SET enabled = 1 WHERE id = ?", arguments: [created.client.id])
        }
        let grant = try #require(try store.authenticateCrowdClient(name: "jira", password: created.password))
        #expect(!grant.allows(address: "192.168.0.1") && !grant.allows(address: "10.1.2.3") && !grant.allows(address: nil))
    }
}
