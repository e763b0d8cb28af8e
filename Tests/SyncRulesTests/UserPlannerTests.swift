import SCIM
import SyncRules
import Testing

/// A directory in memory: users by folded name, which of them another SCIM user of the app links,
/// and which owners still link theirs.
private struct MemoryDirectory: UserDirectoryState {
    var users: [DirectoryUserRecord] = []
    var linkedByAnotherUserOfThisApp: Set<Int64> = []
    var ownersStillLinking: Set<Int64> = []

    func user(named name: String) -> DirectoryUserRecord? { users.first { $0.fields.username.nameKey == name.nameKey } }
    func isLinkedByAnotherUserOfThisApp(_ id: Int64) -> Bool { linkedByAnotherUserOfThisApp.contains(id) }
    func ownerStillLinks(_ user: DirectoryUserRecord) -> Bool { ownersStillLinking.contains(user.id) }
}

private let app: Int64 = 1
private let otherApp: Int64 = 2

private func idpUser(_ userName: String, active: Bool = true) throws -> JSONObject {
    try #require(try JSONParser.parse(#"{"userName":"\#(userName)","name":{"givenName":"Ada"},"active":\#(active)}"#).objectValue)
}

private func record(_ id: Int64, _ name: String, owner: Int64?, active: Bool = true) -> DirectoryUserRecord {
    DirectoryUserRecord(id: id, fields: DirectoryUserFields(username: name, firstName: "Old", active: active), ownerApp: owner)
}

private func plan(
    _ resource: JSONObject,
    linked: DirectoryUserRecord? = nil,
    rules: UserSyncRules = UserSyncRules(),
    in directory: MemoryDirectory = MemoryDirectory()
) throws -> UserPlan {
    try UserPlanner.plan(appID: app, rules: rules, resource: resource, linked: linked, state: directory)
}

/// The user rules × the cases the directory can be in, without a database.
@Suite struct UserPlannerTests {
    @Test func aNewNameCreatesAUserUnlessCreateUsersIsOff() throws {
        guard case .create(let fields) = try plan(try idpUser("ada")) else {
            Issue.record("expected a create")
            return
        }
        #expect(fields.username == "ada" && fields.firstName == "Ada")
        var rules = UserSyncRules()
        rules.createUsers = false
        #expect(try plan(try idpUser("ada"), rules: rules) == .noUser)
    }

    @Test func aNewUserSentInactiveIsCreatedInactiveOnlyWhenDeactivationIsFollowed() throws {
        guard case .create(let followed) = try plan(try idpUser("ada", active: false)) else {
            Issue.record("create")
            return
        }
        #expect(!followed.active)
        var rules = UserSyncRules()
        rules.followActive = false
        guard case .create(let ignored) = try plan(try idpUser("ada", active: false), rules: rules) else {
            Issue.record("create")
            return
        }
        #expect(ignored.active)
    }

    @Test(arguments: [UserSyncRules.ExistingUserPolicy.adopt, .refuse])
    func aNameAnotherAppOrTheAdminHoldsIsAdoptedOnlyUnderAdopt(policy: UserSyncRules.ExistingUserPolicy) throws {
        var rules = UserSyncRules()
        rules.existingUsers = policy
        for owner in [nil, otherApp] {
            let holder = record(7, "ADA", owner: owner)
            let directory = MemoryDirectory(users: [holder])
            if policy == .adopt {
                #expect(
                    try plan(try idpUser("ada"), rules: rules, in: directory)
                        == .update(holder, to: try rules.fields(for: try idpUser("ada")), takingOver: true)
                )
            } else {
                #expect(throws: RuleRefusal.self) { try plan(try idpUser("ada"), rules: rules, in: directory) }
            }
        }
    }

    @Test func theAppsOwnKeptUserIsTakenBackWhateverThePolicy() throws {
        let kept = record(7, "ada", owner: app, active: false)
        let planned = try plan(try idpUser("ada"), in: MemoryDirectory(users: [kept]))
        guard case .update(let user, let fields, let takingOver) = planned else {
            Issue.record("\(planned)")
            return
        }
        #expect(user == kept && fields.active && !takingOver, "reactivated by follow active")
    }

    @Test func aNameAnotherUserOfThisAppLinksIsRefusedUnderEitherPolicy() throws {
        var rules = UserSyncRules()
        rules.existingUsers = .adopt
        let directory = MemoryDirectory(users: [record(7, "ada", owner: app)], linkedByAnotherUserOfThisApp: [7])
        #expect(throws: RuleRefusal.self) { try plan(try idpUser("ada"), rules: rules, in: directory) }
    }

    @Test func anotherAppThatStillLinksItsUserKeepsItsFields() throws {
        let shared = record(7, "ada", owner: otherApp)
        #expect(try plan(try idpUser("ada"), linked: shared, in: MemoryDirectory(users: [shared], ownersStillLinking: [7])) == .link(shared))
        guard case .update(_, _, let takingOver) = try plan(try idpUser("ada"), linked: shared, in: MemoryDirectory(users: [shared])) else {
            Issue.record("an owner that let go leaves the fields to this app")
            return
        }
        #expect(takingOver)
    }

    @Test func aRenameOntoAnotherUsersNameIsRefusedAndACaseOnlyRenameIsNot() throws {
        let alice = record(7, "alice", owner: app)
        let bob = record(8, "bob", owner: nil)
        #expect(throws: RuleRefusal.self) { try plan(try idpUser("bob"), linked: alice, in: MemoryDirectory(users: [alice, bob])) }
        guard case .update(_, let fields, _) = try plan(try idpUser("ALICE"), linked: alice, in: MemoryDirectory(users: [alice, bob])) else {
            Issue.record("a case-only rename")
            return
        }
        #expect(fields.username == "ALICE")
    }

    @Test func updateUsersOffKeepsTheFieldsButFollowsActive() throws {
        var rules = UserSyncRules()
        rules.updateUsers = false
        let alice = record(7, "alice", owner: app)
        guard case .update(_, let fields, _) = try plan(try idpUser("renamed", active: false), linked: alice, rules: rules) else {
            Issue.record("an update")
            return
        }
        #expect(fields.username == "alice" && fields.firstName == "Old" && !fields.active)
    }

    @Test func anEmptyOrInvalidDirectoryNameIsRefused() throws {
        #expect(throws: RuleRefusal.self) { try plan(try idpUser("  ")) }
        #expect(throws: RuleRefusal.self) { try plan(try idpUser(#"ada\u001b[31m"#)) }
    }
}
