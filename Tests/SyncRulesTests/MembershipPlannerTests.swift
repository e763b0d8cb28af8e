import SCIM
import SyncRules
import Testing

/// The memberships the group rules give a user, without a database.
@Suite struct MembershipPlannerTests {
    private func rules(_ configure: (inout GroupSyncRules) -> Void = { _ in }) -> GroupSyncRules {
        var rules = GroupSyncRules()
        configure(&rules)
        return rules
    }

    private func groups(_ plan: UserMembershipPlan) -> [String] {
        plan.memberships.map { "\($0.group) \($0.source)" }
    }

    @Test func onTheFlyEachIdPGroupFillsItsNamesakeAndDefaultsFollow() throws {
        let plan = try MembershipPlanner.user(
            idpGroups: [(pk: 1, name: "Eng"), (pk: 2, name: "Ops")],
            created: true,
            rules: rules {
                $0.defaultGroupsForAllUsers = ["everyone"]
                $0.defaultGroupsForNewUsers = ["onboarding"]
            },
            isProtected: { _ in false }
        )
        #expect(groups(plan) == ["Eng idpGroup(pk: 1)", "Ops idpGroup(pk: 2)", "everyone defaultGroup", "onboarding newUserGroup"])
        #expect(plan.skips.isEmpty && !plan.replacesAdminMemberships)
    }

    @Test func newUserGroupsOnlyWhenCreated() throws {
        let plan = try MembershipPlanner.user(
            idpGroups: [],
            created: false,
            rules: rules { $0.defaultGroupsForNewUsers = ["onboarding"] },
            isProtected: { _ in false }
        )
        #expect(plan.memberships.isEmpty)
    }

    @Test func aProtectedGroupIsFilledOnlyThroughAMappingRowNamingIt() throws {
        let onTheFly = try MembershipPlanner.user(
            idpGroups: [(pk: 1, name: "Admins")],
            created: false,
            rules: rules(),
            isProtected: { $0 == "Admins" }
        )
        #expect(onTheFly.memberships.isEmpty && onTheFly.skips == [ProtectedGroupSkip(idpGroup: "Admins", group: "Admins")])
        let mapped = try MembershipPlanner.user(
            idpGroups: [(pk: 1, name: "IT")],
            created: false,
            rules: rules {
                $0.mode = .manual
                $0.mappings = [.init(idpGroup: "IT", directoryGroups: ["Admins", "it"])]
            },
            isProtected: { $0 == "Admins" }
        )
        #expect(groups(mapped) == ["Admins idpGroup(pk: 1)", "it idpGroup(pk: 1)"] && mapped.skips.isEmpty)
    }

    @Test func aDefaultGroupIsNamedByTheRulesSoEvenAProtectedOneIsFilled() throws {
        let plan = try MembershipPlanner.user(
            idpGroups: [],
            created: false,
            rules: rules { $0.defaultGroupsForAllUsers = ["Admins"] },
            isProtected: { _ in true }
        )
        #expect(groups(plan) == ["Admins defaultGroup"])
    }

    @Test func keepExistingOffLetsTheRulesRemoveTheAdminsMemberships() throws {
        let plan = try MembershipPlanner.user(
            idpGroups: [],
            created: false,
            rules: rules { $0.keepExistingMemberships = false },
            isProtected: { _ in false }
        )
        #expect(plan.replacesAdminMemberships)
    }

    @Test func twoIdPGroupsFillingOneGroupAreTwoOriginsAndFilteredGroupsFillNothing() throws {
        let plan = try MembershipPlanner.user(
            idpGroups: [(pk: 1, name: "Eng"), (pk: 2, name: "eng"), (pk: 3, name: "tmp-x")],
            created: false,
            rules: rules { $0.filter = GroupNameFilter(allow: [], deny: ["^tmp-"]) },
            isProtected: { _ in false }
        )
        #expect(groups(plan) == ["Eng idpGroup(pk: 1)", "eng idpGroup(pk: 2)"])
    }

    @Test func nestingPutsEachChildGroupInEachParentGroupButNoneInItsOwnSet() {
        let pairs = MembershipPlanner.nesting(parentTargets: ["X", "Y"], childTargets: ["x", "Y", "Z"])
        #expect(pairs.map { "\($0.parent)∋\($0.child)" } == ["X∋Z", "Y∋Z"])
        #expect(MembershipPlanner.nesting(parentTargets: ["P"], childTargets: ["C", "C"]).count == 1)
    }

    @Test func onlyGroupsNoRuleAndNoRemainingIdPGroupNamesMayGo() throws {
        let configured = rules { $0.defaultGroupsForAllUsers = ["everyone"] }
        #expect(
            MembershipPlanner.unnamedGroups(["Eng", "Ops", "everyone"], rules: configured, remainingIdPGroups: ["ops"])
                == ["Eng"]
        )
    }

    @Test func aRemainingIdPGroupTheRulesCannotEvaluateKeepsEveryGroup() throws {
        var configured = GroupSyncRules()
        configured.nameTransform = RegexTransform(pattern: "(a+)+$", replacement: "x")
        let undecidable = String(repeating: "a", count: 10_000) + "!"
        #expect(MembershipPlanner.unnamedGroups(["Eng"], rules: configured, remainingIdPGroups: [undecidable]).isEmpty)
    }
}
