import GRDB
import TestSupport
import Testing

@testable import DirectoryOperations
@testable import DirectoryStore

@Suite struct GroupCyclesTests {
    @Test func findsEachCycleOnceFromItsSmallestGroup() {
        let edges: [(parent: Int64, child: Int64)] = [(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 4), (6, 7)]
        #expect(GroupCycles.find(edges) == [[1, 2, 3], [4, 5]])
    }

    @Test func aTreeAndADiamondHaveNone() {
        #expect(GroupCycles.find([(1, 2), (1, 3), (2, 4), (3, 4)]).isEmpty)
    }

    @Test func aDeepChainDoesNotOverflow() {
        let chain = (1..<100_000).map { (parent: Int64($0), child: Int64($0 + 1)) }
        #expect(GroupCycles.find(chain + [(100_000, 1)]).first?.count == 100_000)
    }
}

/// `scimsync doctor` on a database an older build (or a hand) left inconsistent.
@Suite struct ConsistencyCheckTests {
    @Test func findsRepairsAndLeavesTheAdminsDecisions() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.createDirectory(name: "Other", by: .test)
        _ = try fixture.app("okta")
        for name in ["A", "B", "C"] { try store.createDirectoryGroup(name: name, directory: "Corp", by: .test) }
        try store.createDirectoryGroup(name: "Elsewhere", directory: "Other", by: .test)
        try store.addDirectoryMember(group: "A", directory: "Corp", member: "B", kind: .group, by: .test)
        try store.addDirectoryMember(group: "B", directory: "Corp", member: "C", kind: .group, by: .test)
        try store.connection.write { db in
            let id = { (name: String) in try Int64.fetchOne(db, sql: "SELECT id FROM dir_group WHERE name = ?", arguments: [name])! }
            // What schema v3 let happen: a cycle, a member of another directory, a member that is gone.
            try db.execute(
                sql: "INSERT INTO dir_membership (group_id, member_kind, member_id, rule) VALUES (?, 'group', ?, 'admin')",
                arguments: [try id("C"), try id("A")]
            )
            try db.execute(
                sql: "INSERT INTO dir_membership (group_id, member_kind, member_id, rule) VALUES (?, 'group', ?, 'admin')",
                arguments: [try id("A"), try id("Elsewhere")]
            )
            try db.execute(
                sql: "INSERT INTO dir_membership (group_id, member_kind, member_id, rule) VALUES (?, 'user', 999, 'admin')",
                arguments: [try id("B")]
            )
        }
        let found = try store.checkConsistency(repair: false, by: .test)
        #expect(found.findings.map(\.check) == ["orphanMemberships", "crossDirectoryMemberships", "groupCycles"])
        #expect(found.findings.last?.problems == ["groups 'A' ⊃ 'B' ⊃ 'C' ⊃ 'A'"])
        #expect(!found.healthy)
        #expect(try store.checkConsistency(repair: false, by: .test) == found, "a check changes nothing")

        let repaired = try store.checkConsistency(repair: true, by: .test)
        #expect(
            repaired.findings.map { "\($0.check) \($0.repaired)" } == [
                "orphanMemberships true", "crossDirectoryMemberships true", "groupCycles false",
            ]
        )
        #expect(try store.checkConsistency(repair: false, by: .test).findings.map(\.check) == ["groupCycles"])
        #expect(try store.auditEntries(AuditQuery(limit: 1)).first?.detail == "orphanMemberships: 1; crossDirectoryMemberships: 1")

        try store.removeDirectoryMember(group: "C", directory: "Corp", member: "A", kind: .group, by: .test)
        #expect(try store.checkConsistency(repair: false, by: .test).healthy)
    }
}
