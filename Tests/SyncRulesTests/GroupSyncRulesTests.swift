import SyncRules
import Testing

/// `GroupSyncRules.directoryGroups(forIdPGroup:)`: which directory groups an IdP group's members join.
@Suite struct GroupSyncRulesTests {
    private func manual(_ mappings: [GroupSyncRules.Mapping] = [], importUnmapped: Bool = false) -> GroupSyncRules {
        var rules = GroupSyncRules()
        rules.mode = .manual
        rules.mappings = mappings
        rules.importUnmappedGroups = importUnmapped
        return rules
    }

    private let engineering = GroupSyncRules.Mapping(idpGroup: "Engineering", directoryGroups: ["jira-users", "confluence-users"])

    @Test func defaultsAreOnTheFly() {
        let rules = GroupSyncRules()
        #expect(rules.mode == .onTheFly)
        #expect(rules.mappings.isEmpty)
        #expect(!rules.importUnmappedGroups)
        #expect(rules.keepExistingMemberships)
        #expect(rules.filter.isEmpty)
        #expect(rules.nameTransform == nil)
        #expect(rules.defaultGroupsForAllUsers.isEmpty && rules.defaultGroupsForNewUsers.isEmpty)
    }

    @Test func onTheFlyUsesTheSameName() {
        #expect(GroupSyncRules().directoryGroups(forIdPGroup: "Engineering") == ["Engineering"])
        #expect(GroupSyncRules().directoryGroups(forIdPGroup: "Sales EMEA") == ["Sales EMEA"])
    }

    @Test func onTheFlyTrimsAndDropsBlankNames() {
        #expect(GroupSyncRules().directoryGroups(forIdPGroup: "  Engineering ") == ["Engineering"])
        #expect(GroupSyncRules().directoryGroups(forIdPGroup: "").isEmpty)
        #expect(GroupSyncRules().directoryGroups(forIdPGroup: "   ").isEmpty)
    }

    @Test func onTheFlyIgnoresTheMappings() {
        // The mapping table is for manual mode only.
        var rules = GroupSyncRules()
        rules.mappings = [engineering]
        #expect(rules.directoryGroups(forIdPGroup: "Engineering") == ["Engineering"])
    }

    @Test func manualWithAMapping() {
        #expect(manual([engineering]).directoryGroups(forIdPGroup: "Engineering") == ["jira-users", "confluence-users"])
    }

    @Test func manualMappingLookupIgnoresCase() {
        let rules = manual([engineering])
        #expect(rules.directoryGroups(forIdPGroup: "engineering") == ["jira-users", "confluence-users"])
        #expect(rules.directoryGroups(forIdPGroup: "ENGINEERING") == ["jira-users", "confluence-users"])
        let mixed = manual([GroupSyncRules.Mapping(idpGroup: "ÉQUIPE", directoryGroups: ["team"])])
        #expect(mixed.directoryGroups(forIdPGroup: "équipe") == ["team"])
    }

    @Test func manualWithoutAMappingImportsNothing() {
        #expect(manual([engineering]).directoryGroups(forIdPGroup: "Sales").isEmpty)
        #expect(manual().directoryGroups(forIdPGroup: "Sales").isEmpty)
    }

    @Test func manualImportsUnmappedGroupsWhenAsked() {
        let rules = manual([engineering], importUnmapped: true)
        #expect(rules.directoryGroups(forIdPGroup: "Sales") == ["Sales"])
        // A mapped group still goes where its mapping says, not to its own name.
        #expect(rules.directoryGroups(forIdPGroup: "Engineering") == ["jira-users", "confluence-users"])
    }

    @Test func filterAllow() {
        var rules = GroupSyncRules()
        rules.filter = GroupNameFilter(allow: ["^app-", "^eng$"])
        #expect(rules.directoryGroups(forIdPGroup: "app-jira") == ["app-jira"])
        #expect(rules.directoryGroups(forIdPGroup: "eng") == ["eng"])
        #expect(rules.directoryGroups(forIdPGroup: "engineering").isEmpty)
        #expect(rules.directoryGroups(forIdPGroup: "Sales").isEmpty)
    }

    @Test func filterDeny() {
        var rules = GroupSyncRules()
        rules.filter = GroupNameFilter(deny: ["-test$"])
        #expect(rules.directoryGroups(forIdPGroup: "eng") == ["eng"])
        #expect(rules.directoryGroups(forIdPGroup: "eng-test").isEmpty)
    }

    @Test func denyWinsOverAllow() {
        var rules = GroupSyncRules()
        rules.filter = GroupNameFilter(allow: ["^app-"], deny: ["-test$"])
        #expect(rules.directoryGroups(forIdPGroup: "app-jira") == ["app-jira"])
        #expect(rules.directoryGroups(forIdPGroup: "app-jira-test").isEmpty)
        #expect(rules.directoryGroups(forIdPGroup: "jira").isEmpty)
    }

    @Test func filterAppliesToMappedGroupsToo() {
        var rules = manual([engineering])
        rules.filter = GroupNameFilter(deny: ["^Eng"])
        #expect(rules.directoryGroups(forIdPGroup: "Engineering").isEmpty)
    }

    @Test func filterMatchesTheIdPNameNotTheTransformedOne() {
        var rules = GroupSyncRules()
        rules.nameTransform = RegexTransform(pattern: "^okta-", replacement: "")
        rules.filter = GroupNameFilter(allow: ["^okta-"])
        #expect(rules.directoryGroups(forIdPGroup: "okta-eng") == ["eng"])
        #expect(rules.directoryGroups(forIdPGroup: "eng").isEmpty)
    }

    @Test func nameTransform() {
        var rules = GroupSyncRules()
        rules.nameTransform = RegexTransform(pattern: "^okta-(.+)$", replacement: "team-$1")
        #expect(rules.directoryGroups(forIdPGroup: "okta-eng") == ["team-eng"])
        // A name the pattern does not match is kept.
        #expect(rules.directoryGroups(forIdPGroup: "Sales") == ["Sales"])
    }

    @Test func nameTransformToNothingMakesNoGroup() {
        var rules = GroupSyncRules()
        rules.nameTransform = RegexTransform(pattern: "^tmp-.*$", replacement: " ")
        #expect(rules.directoryGroups(forIdPGroup: "tmp-x").isEmpty)
        #expect(rules.directoryGroups(forIdPGroup: "eng") == ["eng"])
    }

    @Test func nameTransformAppliesToImportedUnmappedGroupsButNotToMappings() {
        var rules = manual([GroupSyncRules.Mapping(idpGroup: "okta-eng", directoryGroups: ["okta-jira"])], importUnmapped: true)
        rules.nameTransform = RegexTransform(pattern: "^okta-", replacement: "")
        #expect(rules.directoryGroups(forIdPGroup: "okta-sales") == ["sales"])
        #expect(rules.directoryGroups(forIdPGroup: "okta-eng") == ["okta-jira"])
    }

    @Test func namedGroups() {
        var rules = manual([engineering])
        rules.defaultGroupsForNewUsers = ["newcomers"]
        rules.defaultGroupsForAllUsers = ["everyone"]
        #expect(rules.namedGroups == ["jira-users", "confluence-users", "newcomers", "everyone"])
    }
}

@Suite struct GroupNameFilterTests {
    @Test func emptyAdmitsEverything() {
        #expect(GroupNameFilter().isEmpty)
        #expect(GroupNameFilter().admits("anything"))
        #expect(GroupNameFilter().admits(""))
        #expect(!GroupNameFilter(allow: ["x"]).isEmpty)
        #expect(!GroupNameFilter(deny: ["x"]).isEmpty)
    }

    @Test func expressionsAreUnanchoredAndCaseSensitive() {
        let filter = GroupNameFilter(allow: ["eng"])
        #expect(filter.admits("platform-eng-core"))
        #expect(!filter.admits("ENG"))
        #expect(GroupNameFilter(allow: ["(?i)eng"]).admits("ENG"))
    }

    @Test func anyAllowIsEnough() {
        let filter = GroupNameFilter(allow: ["^a", "^b"])
        #expect(filter.admits("alpha"))
        #expect(filter.admits("beta"))
        #expect(!filter.admits("gamma"))
    }

    @Test func anInvalidExpressionMatchesNothing() {
        #expect(!GroupNameFilter(allow: ["("]).admits("("))
        #expect(GroupNameFilter(deny: ["("]).admits("("))
    }
}

/// `GroupSyncRules.mappedDirectoryGroups(forIdPGroup:)`: the only way into a protected group.
@Suite struct MappedDirectoryGroupsTests {
    @Test func onlyAManualMappingRowOfAnAdmittedGroupCounts() {
        var rules = GroupSyncRules()
        rules.mappings = [GroupSyncRules.Mapping(idpGroup: "Admins", directoryGroups: ["jira-administrators"])]
        #expect(rules.mappedDirectoryGroups(forIdPGroup: "Admins").isEmpty, "on the fly ignores the mappings")
        rules.mode = .manual
        rules.importUnmappedGroups = true
        #expect(rules.mappedDirectoryGroups(forIdPGroup: "admins") == ["jira-administrators"])
        #expect(rules.mappedDirectoryGroups(forIdPGroup: "jira-administrators").isEmpty, "imported by name, not mapped")
        rules.filter.deny = ["^Admins$"]
        #expect(rules.mappedDirectoryGroups(forIdPGroup: "Admins").isEmpty, "the filter comes first")
    }
}
