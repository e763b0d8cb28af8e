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

    /// The plan's differences from what the user holds, for each kind of held membership.
    @Test(arguments: [
        // (held origin, group protected, keep existing, planned by the rules, removed, added)
        (HeldMembership.Origin.app(.idpGroup(pk: 1)), false, true, false, true, false),
        (.app(.idpGroup(pk: 1)), false, true, true, false, false),
        (.app(.defaultGroup), false, true, false, true, false),
        (.app(.newUserGroup), false, true, false, false, false),
        (.admin, false, true, false, false, false),
        (.admin, false, false, false, true, false),
        (.admin, true, false, false, false, false),
        // The rules' own membership of a group the admin also put the user in is one more origin.
        (.admin, false, true, true, false, true),
    ])
    func changesMatrix(origin: HeldMembership.Origin, protected: Bool, keep: Bool, planned: Bool, removed: Bool, added: Bool) {
        let plan = UserMembershipPlan(
            memberships: planned ? [PlannedMembership(group: "ENG", source: .idpGroup(pk: 1))] : [],
            skips: [],
            replacesAdminMemberships: !keep
        )
        let held = HeldMembership(group: "Eng", origin: origin, groupIsProtected: protected)
        let changes = MembershipPlanner.changes(plan, held: [held])
        #expect(changes.removals == (removed ? [held] : []))
        #expect(changes.additions.count == (added ? 1 : 0))
    }

    @Test func aNewUserGrantIsNotAddedTwice() {
        let plan = UserMembershipPlan(
            memberships: [PlannedMembership(group: "onboarding", source: .newUserGroup)],
            skips: [],
            replacesAdminMemberships: false
        )
        let held = HeldMembership(group: "Onboarding", origin: .app(.newUserGroup), groupIsProtected: false)
        #expect(MembershipPlanner.changes(plan, held: [held]) == MembershipChanges())
        #expect(MembershipPlanner.changes(plan, held: []).additions.map(\.group) == ["onboarding"])
    }
}
