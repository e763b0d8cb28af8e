import DirectoryStore
import Foundation
import SCIM
import SyncRules
import TestSupport
import Testing

/// The store's rules engine, through its public API: the live SCIM path derives the directory
/// view by the app's rules, and `synchronize` re-derives it after the rules change.
@Suite struct DerivationTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp
    var store: DirectoryStore { fixture.store }

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
    }

    // MARK: helpers

    private var audit: AuditContext { AuditContext(appID: app.id, appName: app.name) }

    /// Creates a SCIM user and returns its id.
    @discardableResult
    private func user(_ userName: String, _ extra: String = "") throws -> String {
        try fixture.createUser(app, userBody(#""userName":"\#(userName)""# + (extra.isEmpty ? "" : "," + extra))).id
    }

    /// Creates a SCIM group with members (SCIM user or group ids) and returns its id.
    @discardableResult
    private func group(_ name: String, _ members: [String] = []) throws -> String {
        let value = try JSONParser.parse(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(name)"}"#)
        return try store.createScimGroup(app: app, members: members.map { MemberValue(id: $0) }, audit: audit) { id throws(ScimError) in
            try ResourceDocument.prepare(value, as: .group, id: id)
        }.id
    }

    private func changeMembers(_ groupID: String, _ changes: [MemberChange]) throws {
        _ = try store.updateScimGroup(app: app, id: groupID, ifMatch: nil, audit: audit, memberChanges: changes, transform: nil)
    }

    private func rename(_ groupID: String, to name: String) throws {
        _ = try store.updateScimGroup(app: app, id: groupID, ifMatch: nil, audit: audit, memberChanges: []) { current throws(ScimError) in
            var renamed = current
            renamed["displayName"] = .string(name)
            return renamed
        }
    }

    private func setRules(_ change: (inout AppRules) -> Void) throws {
        var rules = try store.rules(app: "okta")
        change(&rules)
        try store.setRules(app: "okta", rules, dryRun: false, by: .test)
    }

    private func directoryUser(_ name: String) throws -> DirectoryUser {
        let users = try store.directoryUsers(named: name, directory: "Corp")
        #expect(users.count == 1, "directory users named \(name): \(users.map(\.name))")
        return try #require(users.first)
    }

    /// A user's memberships: group name → origins.
    private func memberships(_ name: String) throws -> [String: [String]] {
        let memberships = try store.directoryUserMemberships(userID: directoryUser(name).id)
        #expect(memberships.allSatisfy { $0.kind == "group" })
        return Dictionary(uniqueKeysWithValues: memberships.map { ($0.name, $0.origins) })
    }

    /// A group's members by name, in the store's order.
    private func members(_ group: String) throws -> [String] {
        try store.directoryGroupMembers(group: group, directory: "Corp").map(\.name)
    }

    private func groupNames() throws -> [String] {
        try store.directoryGroups(directory: "Corp").map(\.name)
    }

    private func origin(_ idpGroup: String) -> String { "app okta: IdP group \(idpGroup)" }

    /// Everything the directory view holds, to compare before and after.
    private struct Snapshot: Equatable {
        var users: [DirectoryUser]
        var groups: [DirectoryGroup]
        var members: [String: [DirectoryMembership]]
        var memberships: [Int64: [DirectoryMembership]]
    }

    private func snapshot() throws -> Snapshot {
        let users = try store.directoryUsers(directory: nil)
        let groups = try store.directoryGroups(directory: nil)
        var members: [String: [DirectoryMembership]] = [:]
        for group in groups {
            members[group.directory + "/" + group.name] = try store.directoryGroupMembers(group: group.name, directory: group.directory)
        }
        var memberships: [Int64: [DirectoryMembership]] = [:]
        for user in users { memberships[user.id] = try store.directoryUserMemberships(userID: user.id) }
        return Snapshot(users: users, groups: groups, members: members, memberships: memberships)
    }

    private func latestAudit(_ operation: String) throws -> AuditEntry {
        try #require(try store.auditEntries(AuditQuery(app: "okta")).first(where: { $0.operation == operation }))
    }

    // MARK: default rules

    @Test func defaultRulesDeriveSameNameGroupsAndMemberships() throws {
        let ada = try user("ada")
        let bob = try user("bob")
        try user("carol")
        try group("Engineering", [ada, bob])
        try group("Sales", [bob])

        let groups = try store.directoryGroups(directory: "Corp")
        #expect(groups.map(\.name) == ["Engineering", "Sales"])
        #expect(groups.map(\.memberCount) == [2, 1])
        #expect(groups.allSatisfy { $0.originApp == "okta" })

        let engineering = try store.directoryGroupMembers(group: "Engineering", directory: "Corp")
        #expect(engineering.map(\.name) == ["ada", "bob"])
        #expect(engineering.allSatisfy { $0.kind == "user" && $0.origins == [origin("Engineering")] })

        #expect(try memberships("ada") == ["Engineering": [origin("Engineering")]])
        #expect(try memberships("bob") == ["Engineering": [origin("Engineering")], "Sales": [origin("Sales")]])
        #expect(try memberships("carol") == [:])

        // The live path already did what a synchronization would.
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test) == [])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
    }

    @Test func defaultRulesAreStoredAsTheDefaults() throws {
        #expect(try store.rules(app: "okta") == AppRules())
        #expect(throws: StoreError.self) { try store.rules(app: "nope") }
        #expect(throws: StoreError.self) { try store.synchronize(app: "nope", dryRun: true, by: .test) }
    }

    @Test func setRulesSavesThem() throws {
        var rules = AppRules()
        rules.groupSync.mode = .manual
        rules.userSync.onDelete = .deactivate
        #expect(try store.setRules(app: "okta", rules, dryRun: false, by: .test) == [])
        #expect(try store.rules(app: "OKTA") == rules)
    }

    @Test func emptyGroupMakesItsDirectoryGroupAtOnce() throws {
        let eng = try group("Engineering")
        #expect(try groupNames() == ["Engineering"])
        let ada = try user("ada")
        try changeMembers(eng, [.add([MemberValue(id: ada)])])
        #expect(try memberships("ada") == ["Engineering": [origin("Engineering")]])
    }

    // MARK: rules change and synchronization

    @Test func rulesChangeDryRunReportsAndLeavesTheDatabaseUnchanged() throws {
        let ada = try user("ada")
        let bob = try user("bob")
        try group("Engineering", [ada, bob])
        try setRules { $0.groupSync.nameTransform = RegexTransform(pattern: "^(.*)$", replacement: "team-$1") }
        let before = try snapshot()

        let planned = try store.synchronize(app: "okta", dryRun: true, by: .test)
        #expect(planned.allSatisfy { $0.app == "okta" })
        #expect(
            planned.map(\.summary) == [
                "group created: team-Engineering",
                "membership removed: ada from Engineering (IdP group Engineering)",
                "membership added: ada in team-Engineering (IdP group Engineering)",
                "membership removed: bob from Engineering (IdP group Engineering)",
                "membership added: bob in team-Engineering (IdP group Engineering)",
                "group deleted: Engineering",
            ]
        )
        #expect(try snapshot() == before)
        #expect(try groupNames() == ["Engineering"])
        // A dry run says the same every time.
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test) == planned)

        let applied = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(applied == planned)
        #expect(try groupNames() == ["team-Engineering"])
        #expect(try members("team-Engineering") == ["ada", "bob"])
        #expect(try memberships("ada") == ["team-Engineering": [origin("Engineering")]])

        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test) == [])
    }

    @Test func setRulesDryRunSavesNothingAndReportsTheChanges() throws {
        let ada = try user("ada")
        try group("Engineering", [ada])
        let before = try snapshot()
        var rules = AppRules()
        rules.groupSync.mode = .manual
        rules.groupSync.mappings = [GroupSyncRules.Mapping(idpGroup: "Engineering", directoryGroups: ["jira-users"])]

        let planned = try store.setRules(app: "okta", rules, dryRun: true, by: .test)
        #expect(
            planned.map(\.summary) == [
                "group created: jira-users",
                "membership removed: ada from Engineering (IdP group Engineering)",
                "membership added: ada in jira-users (IdP group Engineering)",
                "group deleted: Engineering",
            ]
        )
        #expect(try store.rules(app: "okta") == AppRules())
        #expect(try snapshot() == before)

        // Saved for real, the same changes wait for the next synchronization.
        #expect(try store.setRules(app: "okta", rules, dryRun: false, by: .test) == [])
        #expect(try snapshot() == before)
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == planned)
        #expect(try groupNames() == ["jira-users"])
    }

    @Test func synchronizeEveryApp() throws {
        let other = try fixture.app("entra", directory: "Other").app
        let ada = try user("ada")
        try group("Engineering", [ada])
        let grace = try fixture.createUser(other, userBody(#""userName":"grace""#)).id
        let value = try JSONParser.parse(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Ops"}"#)
        _ = try store.createScimGroup(app: other, members: [MemberValue(id: grace)], audit: AuditContext()) { id throws(ScimError) in
            try ResourceDocument.prepare(value, as: .group, id: id)
        }
        for name in ["okta", "entra"] {
            var rules = AppRules()
            rules.groupSync.nameTransform = RegexTransform(pattern: "^", replacement: "x-")
            try store.setRules(app: name, rules, dryRun: false, by: .test)
        }
        let changes = try store.synchronize(app: nil, dryRun: false, by: .test)
        #expect(Set(changes.map(\.app)) == ["okta", "entra"])
        #expect(try store.directoryGroups(directory: "Other").map(\.name) == ["x-Ops"])
        #expect(try groupNames() == ["x-Engineering"])
        #expect(try store.synchronize(app: nil, dryRun: false, by: .test) == [])
    }

    // MARK: manual mapping

    @Test func manualMappingToTwoDirectoryGroups() throws {
        try setRules {
            $0.groupSync.mode = .manual
            $0.groupSync.mappings = [GroupSyncRules.Mapping(idpGroup: "Engineering", directoryGroups: ["jira-users", "confluence-users"])]
        }
        let ada = try user("ada")
        let bob = try user("bob")
        let eng = try group("engineering", [ada])
        try group("Sales", [ada, bob])

        #expect(try groupNames() == ["confluence-users", "jira-users"])
        #expect(try memberships("ada") == ["confluence-users": [origin("engineering")], "jira-users": [origin("engineering")]])
        #expect(try memberships("bob") == [:])
        #expect(try members("jira-users") == ["ada"])

        // Mapped groups stay when they empty: the rules name them.
        try changeMembers(eng, [.remove(ids: [ada])])
        #expect(try memberships("ada") == [:])
        #expect(try groupNames() == ["confluence-users", "jira-users"])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
    }

    @Test func manualModeImportsUnmappedGroupsWhenAsked() throws {
        try setRules {
            $0.groupSync.mode = .manual
            $0.groupSync.mappings = [GroupSyncRules.Mapping(idpGroup: "Engineering", directoryGroups: ["jira-users"])]
        }
        let ada = try user("ada")
        try group("Engineering", [ada])
        try group("Sales", [ada])
        #expect(try groupNames() == ["jira-users"])

        try setRules { $0.groupSync.importUnmappedGroups = true }
        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(changes.map(\.summary) == ["group created: Sales", "membership added: ada in Sales (IdP group Sales)"])
        #expect(try memberships("ada") == ["jira-users": [origin("Engineering")], "Sales": [origin("Sales")]])
    }

    @Test func twoIdPGroupsMappedToOneDirectoryGroupKeepTheMembershipUntilBothAreGone() throws {
        try setRules {
            $0.groupSync.mode = .manual
            $0.groupSync.mappings = [
                GroupSyncRules.Mapping(idpGroup: "Engineering", directoryGroups: ["jira-users"]),
                GroupSyncRules.Mapping(idpGroup: "Ops", directoryGroups: ["jira-users"]),
            ]
        }
        let ada = try user("ada")
        let eng = try group("Engineering", [ada])
        let ops = try group("Ops", [ada])
        #expect(try memberships("ada") == ["jira-users": [origin("Engineering"), origin("Ops")]])
        #expect(try store.directoryGroups(directory: "Corp").first?.memberCount == 1)

        try changeMembers(eng, [.remove(ids: [ada])])
        #expect(try memberships("ada") == ["jira-users": [origin("Ops")]])
        try store.deleteScimGroup(app: app, id: ops, ifMatch: nil, audit: audit)
        #expect(try memberships("ada") == [:])
        #expect(try groupNames() == ["jira-users"])
    }

    @Test func groupNameFilterKeepsDeniedGroupsOutOfTheDirectory() throws {
        try setRules { $0.groupSync.filter = GroupNameFilter(deny: ["-test$"]) }
        let ada = try user("ada")
        try group("eng", [ada])
        try group("eng-test", [ada])
        #expect(try groupNames() == ["eng"])
        #expect(try memberships("ada") == ["eng": [origin("eng")]])
        // The IdP view still has the group.
        #expect(try store.scimGroups(appID: app.id, containing: ada).compactMap(\.display) == ["eng", "eng-test"])
    }

    // MARK: user rules

    @Test func usernameTransformCollisionIsRefusedAndLeavesNothingBehind() throws {
        try setRules {
            $0.userSync.usernameTransform = RegexTransform(pattern: "^([^@]+)@.*$", replacement: "$1")
        }
        let ada = try user("ada@corp.com")
        try group("Engineering", [ada])
        #expect(try directoryUser("ada").email == nil)
        let before = try snapshot()

        let error = #expect(throws: RuleRefusal.self) {
            try user("ada@other.org", #""emails":[{"value":"ada@other.org","primary":true}]"#)
        }
        #expect(error?.kind == .conflict)
        #expect(error?.detail.contains("ada@other.org") == true)

        #expect(try fixture.list(app, [:]).names == ["ada@corp.com"])
        #expect(try snapshot() == before)
        #expect(try store.directoryUsers(directory: "Corp").map(\.name) == ["ada"])
        let refusal = try latestAudit("user.create")
        #expect(refusal.outcome == "refused")
    }

    @Test func usernameTransformCollisionOnRenameIsRefused() throws {
        try setRules { $0.userSync.usernameTransform = RegexTransform(pattern: "^([^@]+)@.*$", replacement: "$1") }
        try user("ada@corp.com")
        let other = try user("grace@corp.com")
        let before = try snapshot()
        let error = #expect(throws: RuleRefusal.self) {
            try fixture.replaceUser(app, other, userBody(#""userName":"ada@other.org""#))
        }
        #expect(error?.kind == .conflict)
        #expect(try snapshot() == before)
        #expect(try fixture.list(app, [:]).names.sorted() == ["ada@corp.com", "grace@corp.com"])
    }

    @Test func synchronizeReportsAUserTheRulesRefuseAndLeavesIt() throws {
        try user("ada@corp.com")
        try user("ada@other.org")
        try setRules { $0.userSync.usernameTransform = RegexTransform(pattern: "^([^@]+)@.*$", replacement: "$1") }

        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(changes.map(\.change) == [.userUpdated, .userRefused])
        #expect(changes.first?.user == "ada")
        #expect(changes.first?.fields == ["username"])
        #expect(changes.last?.user == "ada@other.org")
        #expect(changes.last?.reason?.contains("ada") == true)
        #expect(try store.directoryUsers(directory: "Corp").map(\.name) == ["ada", "ada@other.org"])
        // The refusal stands until the IdP or the rules change; nothing else is left to do.
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test).map(\.change) == [.userRefused])
    }

    @Test func emptyTransformedUsernameIsRefused() throws {
        try setRules { $0.userSync.usernameTransform = RegexTransform(pattern: "^([^@]*)@corp\\.com$", replacement: "$1") }
        let error = #expect(throws: RuleRefusal.self) { try user("@corp.com") }
        #expect(error?.kind == .unusableValue)
        #expect(try fixture.list(app, [:]).total == 0)
        #expect(try store.directoryUsers(directory: "Corp").isEmpty)
    }

    @Test func attributeMappingAppliesOnTheLivePath() throws {
        try setRules {
            $0.userSync.attributeMapping[.email] = AttributeSource(path: #"emails[type eq "home"].value"#, fallback: "emails.value")
            $0.userSync.attributeMapping[.displayName] =
                AttributeSource(path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber")
        }
        try user(
            "ada",
            #"""
            "emails":[{"value":"ada@corp.com","type":"work","primary":true},{"value":"ada@home.org","type":"home"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984"}
            """#
        )
        try user("bob", #""emails":[{"value":"bob@corp.com","type":"work"}]"#)
        #expect(try directoryUser("ada").email == "ada@home.org")
        #expect(try directoryUser("ada").displayName == "701984")
        #expect(try directoryUser("bob").email == "bob@corp.com")
        #expect(try directoryUser("bob").displayName == nil)
    }

    @Test func createUsersOffCreatesNoDirectoryUser() throws {
        try setRules { $0.userSync.createUsers = false }
        let ada = try user("ada")
        try group("Engineering", [ada])
        #expect(try store.directoryUsers(directory: "Corp").isEmpty)
        #expect(try groupNames() == ["Engineering"])
        #expect(try members("Engineering") == [])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
    }

    @Test func existingLocalUserIsAdoptedWhenTheRulesSaySo() throws {
        try setRules { $0.userSync.existingUsers = .adopt }
        let local = try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "ada", email: "old@corp.com"), by: .test)
        try user("ADA", #""emails":[{"value":"ada@corp.com"}]"#)
        let adopted = try directoryUser("ada")
        #expect(adopted.id == local.id)
        #expect(adopted.email == "ada@corp.com")
        #expect(adopted.name == "ADA")
    }

    @Test func existingLocalUserIsRefusedByDefault() throws {
        let local = try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "ada", email: "old@corp.com"), by: .test)
        let error = #expect(throws: RuleRefusal.self) { try user("ada", #""emails":[{"value":"ada@corp.com"}]"#) }
        #expect(error?.kind == .conflict)
        #expect(error?.detail.contains("existingUsers") == true, "the refusal says how to allow it")
        #expect(try store.directoryUsers(directory: "Corp") == [local])
        #expect(try fixture.list(app, [:]).total == 0)
    }

    @Test func followActiveDeactivatesAndActivates() throws {
        let ada = try user("ada")
        try fixture.replaceUser(app, ada, userBody(#""userName":"ada","active":false"#))
        #expect(try directoryUser("ada").active == false)
        try fixture.replaceUser(app, ada, userBody(#""userName":"ada","active":true"#))
        #expect(try directoryUser("ada").active)

        try setRules { $0.userSync.deactivateUsers = false }
        try fixture.replaceUser(app, ada, userBody(#""userName":"ada","active":false"#))
        #expect(try directoryUser("ada").active)
    }

    @Test func deleteOutcomes() throws {
        let bob = try user("bob")
        try store.deleteScimUser(app: app, id: bob, ifMatch: nil, audit: audit)
        #expect(try directoryUser("bob").active == false, "the default deactivates")

        try setRules { $0.userSync.onDelete = .delete }
        let ada = try user("ada")
        try store.deleteScimUser(app: app, id: ada, ifMatch: nil, audit: audit)
        #expect(try store.directoryUsers(directory: "Corp").map(\.name) == ["bob"])

        try setRules {
            $0.userSync.onDelete = .deactivate
            $0.userSync.deactivateUsers = false
        }
        let carol = try user("carol")
        try store.deleteScimUser(app: app, id: carol, ifMatch: nil, audit: audit)
        #expect(try directoryUser("carol").active)
    }

    // MARK: admin memberships

    @Test func adminMembershipsAreKeptUnlessTheRulesSayOtherwise() throws {
        try store.createDirectoryGroup(name: "Admins", directory: "Corp", by: .test)
        let ada = try user("ada")
        try group("Engineering", [ada])
        try store.addDirectoryMember(group: "Admins", directory: "Corp", member: "ada", kind: .user, by: .test)
        #expect(try memberships("ada") == ["Admins": ["admin"], "Engineering": [origin("Engineering")]])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
        #expect(try memberships("ada")["Admins"] == ["admin"])

        try setRules { $0.groupSync.keepExistingMemberships = false }
        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(changes.map(\.summary) == ["membership removed: ada from Admins (admin)"])
        #expect(try memberships("ada") == ["Engineering": [origin("Engineering")]])
        // The admin's group is not the app's to delete.
        #expect(try groupNames() == ["Admins", "Engineering"])
    }

    @Test func adminGroupOfTheSameNameIsSharedAndKept() throws {
        try store.createDirectoryGroup(name: "Engineering", directory: "Corp", by: .test)
        let ada = try user("ada")
        try store.addDirectoryMember(group: "Engineering", directory: "Corp", member: "ada", kind: .user, by: .test)
        let eng = try group("Engineering", [ada])
        #expect(try memberships("ada") == ["Engineering": ["admin", origin("Engineering")]])
        #expect(try store.directoryGroups(directory: "Corp").map(\.originApp) == [nil])

        try store.deleteScimGroup(app: app, id: eng, ifMatch: nil, audit: audit)
        #expect(try memberships("ada") == ["Engineering": ["admin"]])
        #expect(try groupNames() == ["Engineering"])
    }

    // MARK: default groups

    @Test func defaultGroups() throws {
        try setRules {
            $0.groupSync.defaultGroupsForAllUsers = ["everyone"]
            $0.groupSync.defaultGroupsForNewUsers = ["welcome"]
        }
        let ada = try user("ada")
        #expect(
            try memberships("ada") == [
                "everyone": ["app okta: default group"],
                "welcome": ["app okta: default group for new users"],
            ]
        )
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])

        // Joined once at creation: an update does not re-add it, and dropping it from the rules does not remove it.
        try setRules { $0.groupSync.defaultGroupsForNewUsers = [] }
        try fixture.replaceUser(app, ada, userBody(#""userName":"ada","displayName":"Ada""#))
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
        #expect(try memberships("ada")["welcome"] == ["app okta: default group for new users"])

        // The groups for all users follow the rules.
        try setRules { $0.groupSync.defaultGroupsForAllUsers = ["staff"] }
        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(
            changes.map(\.summary) == [
                "group created: staff",
                "membership removed: ada from everyone (default group)",
                "membership added: ada in staff (default group)",
                "group deleted: everyone",
            ]
        )
        #expect(try groupNames() == ["staff", "welcome"])
    }

    // MARK: live path and synchronization agree

    /// The live path and `synchronize` derive with the same engine, so after any IdP request a
    /// synchronization has nothing to do (Deriver's contract), and a group the app created goes
    /// when nothing uses it (docs/ARCHITECTURE.md).
    /// The directory group of an IdP group exists as long as the IdP group, members or not.
    @Test func removingTheLastMemberLiveKeepsTheGroupAndLeavesNothingForSynchronize() throws {
        let ada = try user("ada")
        let eng = try group("Engineering", [ada])
        try changeMembers(eng, [.remove(ids: [ada])])
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test) == [])
        #expect(try groupNames() == ["Engineering"])
        #expect(try members("Engineering") == [])
    }

    @Test func deletingTheLastMemberUserLiveLeavesNothingForSynchronize() throws {
        let ada = try user("ada")
        try group("Engineering", [ada])
        try store.deleteScimUser(app: app, id: ada, ifMatch: nil, audit: audit)
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test) == [])
        #expect(try groupNames() == ["Engineering"])
    }

    @Test func deletingTheOnlyNestedGroupLiveRemovesItsGroupAndLeavesNothingForSynchronize() throws {
        let ada = try user("ada")
        let core = try group("Core", [ada])
        try group("Engineering", [core])
        try store.deleteScimGroup(app: app, id: core, ifMatch: nil, audit: audit)
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test) == [])
        #expect(try groupNames() == ["Engineering"])
    }

    // MARK: incremental derivation

    @Test func addingOneMemberReDerivesOnlyThatMember() throws {
        let ada = try user("ada")
        let bob = try user("bob")
        let carol = try user("carol")
        let eng = try group("Engineering", [ada, bob])

        try changeMembers(eng, [.add([MemberValue(id: carol)])])
        let entry = try latestAudit("group.update")
        #expect(entry.detail == "+1 member; directory: membership added: carol in Engineering (IdP group Engineering)")
        #expect(try members("Engineering") == ["ada", "bob", "carol"])
        #expect(try store.synchronize(app: "okta", dryRun: true, by: .test) == [])
    }

    @Test func addingOneMemberUnderNewRulesLeavesTheOtherMembersAsTheyWere() throws {
        let ada = try user("ada")
        let bob = try user("bob")
        let carol = try user("carol")
        let eng = try group("Engineering", [ada, bob])
        // New rules apply to what the IdP changes from now on; the rest waits for a synchronization.
        try setRules { $0.groupSync.nameTransform = RegexTransform(pattern: "^(.*)$", replacement: "team-$1") }

        try changeMembers(eng, [.add([MemberValue(id: carol, type: "User")])])
        let detail = try #require(try latestAudit("group.update").detail)
        #expect(detail.contains("carol"))
        #expect(!detail.contains("ada") && !detail.contains("bob"))
        #expect(try memberships("carol") == ["team-Engineering": [origin("Engineering")]])
        #expect(try memberships("ada") == ["Engineering": [origin("Engineering")]])
        #expect(try memberships("bob") == ["Engineering": [origin("Engineering")]])

        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(Set(changes.compactMap(\.member)) == ["ada", "bob"])
        #expect(try members("team-Engineering") == ["ada", "bob", "carol"])
        #expect(try groupNames() == ["team-Engineering"])
    }

    @Test func removingOneMemberReDerivesOnlyThatMember() throws {
        let ada = try user("ada")
        let bob = try user("bob")
        let eng = try group("Engineering", [ada, bob])
        try changeMembers(eng, [.remove(ids: [bob])])
        let entry = try latestAudit("group.update")
        #expect(entry.detail == "-1 member; directory: membership removed: bob from Engineering (IdP group Engineering)")
        #expect(try members("Engineering") == ["ada"])
    }

    @Test func renamingAGroupReDerivesEveryMember() throws {
        let ada = try user("ada")
        let bob = try user("bob")
        let eng = try group("Engineering", [ada, bob])
        try rename(eng, to: "Platform")
        #expect(try groupNames() == ["Platform"])
        #expect(try members("Platform") == ["ada", "bob"])
        #expect(try memberships("ada") == ["Platform": [origin("Platform")]])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
    }

    @Test func nestedGroupsBecomeGroupMemberships() throws {
        let ada = try user("ada")
        let core = try group("Core", [ada])
        try group("Engineering", [core])
        let members = try store.directoryGroupMembers(group: "Engineering", directory: "Corp")
        #expect(members.map(\.name) == ["Core"])
        #expect(members.first?.kind == "group")
        #expect(members.first?.origins == [origin("Engineering")])
        #expect(try memberships("ada") == ["Core": [origin("Core")]])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
    }

    // MARK: regex limits

    @Test func aRegexLimitRefusesTheWriteAuditedAndChangesNothing() throws {
        try user("aaaa")
        try setRules { $0.userSync.usernameTransform = RegexTransform(pattern: "^(a|aa)+$", replacement: "x") }
        let before = try snapshot()
        let error = #expect(throws: RuleRefusal.self) { try user(String(repeating: "a", count: 40) + "b") }
        #expect(error?.kind == .unusableValue && error?.detail.contains("userSync.usernameTransform") == true)
        #expect(try snapshot() == before)
        let refused = try latestAudit("user.create")
        #expect(refused.outcome == "refused")
        #expect(refused.detail?.contains("the match limit (1000000 backtracking steps per name)") == true)
    }

    @Test func syncUndoesAndReportsWhatARegexLimitRefuses() throws {
        let ada = try user("ada")
        try group(String(repeating: "a", count: 40) + "b", [ada])
        try group("Engineering", [ada])
        let before = try snapshot()
        try setRules {
            $0.userSync.usernameTransform = RegexTransform(pattern: "^ada$", replacement: "lovelace")
            $0.groupSync.filter = GroupNameFilter(deny: ["^(a|aa)+$"])
        }
        // Ada's rename is undone with the rest of her derivation: one of her IdP groups cannot be evaluated.
        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(changes.map(\.change) == [.userRefused, .groupRefused])
        #expect(changes.allSatisfy { $0.reason?.contains("groupSync.filter.deny[0]") == true })
        #expect(try snapshot() == before)
    }
}

// MARK: protected groups

extension DerivationTests {
    private func protectedGroup(_ name: String) throws {
        try store.createDirectoryGroup(name: name, directory: "Corp", protected: true, by: .test)
    }

    private func skipped(_ group: String, by idpGroup: String) -> String {
        "protected group skipped: \(group) (IdP group \(idpGroup); only a manual mapping naming the group fills it)"
    }

    @Test func onTheFlyDoesNotJoinAProtectedGroupAndSaysWhy() throws {
        try protectedGroup("jira-administrators")
        let ada = try user("ada")
        try group("JIRA-Administrators", [ada])
        #expect(try members("jira-administrators") == [])
        #expect(try memberships("ada") == [:])
        #expect(try latestAudit("group.create").detail == "1 member; directory: " + skipped("JIRA-Administrators", by: "JIRA-Administrators"))
        // Reported on every run, like a refused user, and changing nothing.
        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(changes.map(\.summary) == [skipped("JIRA-Administrators", by: "JIRA-Administrators")])
        #expect(changes.map(\.change) == [.protectedGroupSkipped])
        #expect(try store.directoryGroups(directory: "Corp").map(\.protected) == [true])
    }

    @Test func namesMadeByTheRulesDoNotReachAProtectedGroupEither() throws {
        try protectedGroup("admins")
        try setRules {
            $0.groupSync.mode = .manual
            $0.groupSync.importUnmappedGroups = true
            $0.groupSync.nameTransform = RegexTransform(pattern: "^okta-(.*)$", replacement: "$1")
        }
        let ada = try user("ada")
        try group("okta-admins", [ada])
        try group("Admins", [ada])
        #expect(try members("admins") == [])
        #expect(try memberships("ada") == [:])
    }

    @Test func aManualMappingNamingAProtectedGroupFillsItAndTakesBackOnlyWhatItMade() throws {
        try protectedGroup("jira-administrators")
        try setRules {
            $0.groupSync.mode = .manual
            $0.groupSync.mappings = [GroupSyncRules.Mapping(idpGroup: "Jira Admins", directoryGroups: ["jira-administrators"])]
        }
        try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "root"), by: .test)
        try store.addDirectoryMember(group: "jira-administrators", directory: "Corp", member: "root", kind: .user, by: .test)
        let ada = try user("ada")
        let admins = try group("Jira Admins", [ada])
        #expect(try memberships("ada") == ["jira-administrators": [origin("Jira Admins")]])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])

        try changeMembers(admins, [.remove(ids: [ada])])
        #expect(try members("jira-administrators") == ["root"])
        try store.deleteScimGroup(app: app, id: admins, ifMatch: nil, audit: audit)
        #expect(try members("jira-administrators") == ["root"])
    }

    @Test func defaultGroupsMayNameAProtectedGroup() throws {
        try protectedGroup("staff")
        try setRules {
            $0.groupSync.defaultGroupsForAllUsers = ["staff"]
            $0.groupSync.defaultGroupsForNewUsers = ["staff"]
        }
        try user("ada")
        #expect(try memberships("ada") == ["staff": ["app okta: default group", "app okta: default group for new users"]])
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test) == [])
    }

    @Test func keepExistingOffNeverRemovesTheAdminsMembershipsOfAProtectedGroup() throws {
        try protectedGroup("admins")
        try store.createDirectoryGroup(name: "wiki", directory: "Corp", by: .test)
        try user("ada")
        for group in ["admins", "wiki"] {
            try store.addDirectoryMember(group: group, directory: "Corp", member: "ada", kind: .user, by: .test)
        }
        try setRules { $0.groupSync.keepExistingMemberships = false }
        let changes = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(changes.map(\.summary) == ["membership removed: ada from wiki (admin)"])
        #expect(try memberships("ada") == ["admins": ["admin"]])
    }

    @Test func nestedIdPGroupsDoNotReachAProtectedGroup() throws {
        try protectedGroup("admins")
        let ada = try user("ada")
        let backend = try group("backend", [ada])
        let admins = try group("admins", [backend])
        try group("engineering", [admins])
        #expect(try members("admins") == [])
        #expect(try members("engineering") == [], "the IdP group 'admins' stands for no directory group")
    }

    @Test func protectingAGroupRemovesAtOnceWhatNoExplicitRuleGaveIt() throws {
        try setRules { $0.groupSync.defaultGroupsForAllUsers = ["everyone"] }
        let ada = try user("ada")
        let bob = try user("bob")
        let admins = try group("admins", [ada, bob])
        try group("everyone-idp", [admins])
        try store.createLocalUser(directory: "Corp", fields: DirectoryUserFields(username: "root"), by: .test)
        try store.addDirectoryMember(group: "admins", directory: "Corp", member: "root", kind: .user, by: .test)
        try store.addDirectoryMember(group: "admins", directory: "Corp", member: "bob", kind: .user, by: .test)
        try store.addDirectoryMember(group: "everyone", directory: "Corp", member: "admins", kind: .group, by: .test)

        let changes = try store.setGroupProtected(true, group: "ADMINS", directory: "Corp", by: .test)
        #expect(
            Set(changes.map(\.summary)) == [
                skipped("admins", by: "admins"),
                "membership removed: ada from admins (IdP group admins)",
                "membership removed: bob from admins (IdP group admins)",
                "membership removed: admins from everyone-idp (IdP group everyone-idp)",
            ]
        )
        #expect(try members("admins") == ["bob", "root"], "the admin's memberships stay")
        #expect(try memberships("ada") == ["everyone": ["app okta: default group"]])
        #expect(try members("everyone") == ["ada", "bob", "admins"], "the admin's group-in-group membership stays")
        let entry = try #require(try store.auditEntries(AuditQuery()).first)
        #expect(entry.operation == "directory.group.protect" && entry.target == "Group admins (directory Corp)")
        #expect(entry.detail?.hasPrefix("4 changes: okta: ") == true)

        // A synchronization agrees, and an app never deletes a protected group, even one it created.
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test).map(\.change) == [.protectedGroupSkipped])
        try store.removeDirectoryMember(group: "admins", directory: "Corp", member: "bob", kind: .user, by: .test)
        try store.removeDirectoryMember(group: "admins", directory: "Corp", member: "root", kind: .user, by: .test)
        try store.removeDirectoryMember(group: "everyone", directory: "Corp", member: "admins", kind: .group, by: .test)
        try store.deleteScimGroup(app: app, id: admins, ifMatch: nil, audit: audit)
        _ = try store.synchronize(app: "okta", dryRun: false, by: .test)
        #expect(try groupNames().contains("admins"))
        #expect(try store.setGroupProtected(true, group: "admins", directory: "Corp", by: .test) == [], "already protected")
    }

    @Test func unprotectingChangesNothingUntilTheNextSynchronization() throws {
        try protectedGroup("admins")
        let ada = try user("ada")
        try group("admins", [ada])
        #expect(try store.setGroupProtected(false, group: "admins", directory: "Corp", by: .test) == [])
        #expect(try members("admins") == [])
        #expect(try latestAuditOfAnyApp().operation == "directory.group.unprotect")
        #expect(try store.synchronize(app: "okta", dryRun: false, by: .test).map(\.summary) == ["membership added: ada in admins (IdP group admins)"])
        #expect(throws: StoreError.self) { try store.setGroupProtected(true, group: "nope", directory: "Corp", by: .test) }
    }

    private func latestAuditOfAnyApp() throws -> AuditEntry {
        try #require(try store.auditEntries(AuditQuery()).first)
    }
}
