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

    @Test func onTheFlyUsesTheSameName() throws {
        #expect(try GroupSyncRules().directoryGroups(forIdPGroup: "Engineering") == ["Engineering"])
        #expect(try GroupSyncRules().directoryGroups(forIdPGroup: "Sales EMEA") == ["Sales EMEA"])
    }

    @Test func onTheFlyTrimsAndDropsBlankNames() throws {
        #expect(try GroupSyncRules().directoryGroups(forIdPGroup: "  Engineering ") == ["Engineering"])
        #expect(try GroupSyncRules().directoryGroups(forIdPGroup: "").isEmpty)
        #expect(try GroupSyncRules().directoryGroups(forIdPGroup: "   ").isEmpty)
    }

    @Test func onTheFlyIgnoresTheMappings() throws {
        // The mapping table is for manual mode only.
        var rules = GroupSyncRules()
        rules.mappings = [engineering]
        #expect(try rules.directoryGroups(forIdPGroup: "Engineering") == ["Engineering"])
    }

    @Test func manualWithAMapping() throws {
        #expect(try manual([engineering]).directoryGroups(forIdPGroup: "Engineering") == ["jira-users", "confluence-users"])
    }

    @Test func manualMappingLookupIgnoresCase() throws {
        let rules = manual([engineering])
        #expect(try rules.directoryGroups(forIdPGroup: "engineering") == ["jira-users", "confluence-users"])
        #expect(try rules.directoryGroups(forIdPGroup: "ENGINEERING") == ["jira-users", "confluence-users"])
        let mixed = manual([GroupSyncRules.Mapping(idpGroup: "ÉQUIPE", directoryGroups: ["team"])])
        #expect(try mixed.directoryGroups(forIdPGroup: "équipe") == ["team"])
    }

    @Test func manualWithoutAMappingImportsNothing() throws {
        #expect(try manual([engineering]).directoryGroups(forIdPGroup: "Sales").isEmpty)
        #expect(try manual().directoryGroups(forIdPGroup: "Sales").isEmpty)
    }

    @Test func manualImportsUnmappedGroupsWhenAsked() throws {
        let rules = manual([engineering], importUnmapped: true)
        #expect(try rules.directoryGroups(forIdPGroup: "Sales") == ["Sales"])
        // A mapped group still goes where its mapping says, not to its own name.
        #expect(try rules.directoryGroups(forIdPGroup: "Engineering") == ["jira-users", "confluence-users"])
    }

    @Test func filterAllow() throws {
        var rules = GroupSyncRules()
        rules.filter = GroupNameFilter(allow: ["^app-", "^eng$"])
        #expect(try rules.directoryGroups(forIdPGroup: "app-jira") == ["app-jira"])
        #expect(try rules.directoryGroups(forIdPGroup: "eng") == ["eng"])
        #expect(try rules.directoryGroups(forIdPGroup: "engineering").isEmpty)
        #expect(try rules.directoryGroups(forIdPGroup: "Sales").isEmpty)
    }

    @Test func filterDeny() throws {
        var rules = GroupSyncRules()
        rules.filter = GroupNameFilter(deny: ["-test$"])
        #expect(try rules.directoryGroups(forIdPGroup: "eng") == ["eng"])
        #expect(try rules.directoryGroups(forIdPGroup: "eng-test").isEmpty)
    }

    @Test func denyWinsOverAllow() throws {
        var rules = GroupSyncRules()
        rules.filter = GroupNameFilter(allow: ["^app-"], deny: ["-test$"])
        #expect(try rules.directoryGroups(forIdPGroup: "app-jira") == ["app-jira"])
        #expect(try rules.directoryGroups(forIdPGroup: "app-jira-test").isEmpty)
        #expect(try rules.directoryGroups(forIdPGroup: "jira").isEmpty)
    }

    @Test func filterAppliesToMappedGroupsToo() throws {
        var rules = manual([engineering])
        rules.filter = GroupNameFilter(deny: ["^Eng"])
        #expect(try rules.directoryGroups(forIdPGroup: "Engineering").isEmpty)
    }

    @Test func filterMatchesTheIdPNameNotTheTransformedOne() throws {
        var rules = GroupSyncRules()
        rules.nameTransform = RegexTransform(pattern: "^okta-", replacement: "")
        rules.filter = GroupNameFilter(allow: ["^okta-"])
        #expect(try rules.directoryGroups(forIdPGroup: "okta-eng") == ["eng"])
        #expect(try rules.directoryGroups(forIdPGroup: "eng").isEmpty)
    }

    @Test func nameTransform() throws {
        var rules = GroupSyncRules()
        rules.nameTransform = RegexTransform(pattern: "^okta-(.+)$", replacement: "team-$1")
        #expect(try rules.directoryGroups(forIdPGroup: "okta-eng") == ["team-eng"])
        // A name the pattern does not match is kept.
        #expect(try rules.directoryGroups(forIdPGroup: "Sales") == ["Sales"])
    }

    @Test func nameTransformToNothingMakesNoGroup() throws {
        var rules = GroupSyncRules()
        rules.nameTransform = RegexTransform(pattern: "^tmp-.*$", replacement: " ")
        #expect(try rules.directoryGroups(forIdPGroup: "tmp-x").isEmpty)
        #expect(try rules.directoryGroups(forIdPGroup: "eng") == ["eng"])
    }

    @Test func nameTransformAppliesToImportedUnmappedGroupsButNotToMappings() throws {
        var rules = manual([GroupSyncRules.Mapping(idpGroup: "okta-eng", directoryGroups: ["okta-jira"])], importUnmapped: true)
        rules.nameTransform = RegexTransform(pattern: "^okta-", replacement: "")
        #expect(try rules.directoryGroups(forIdPGroup: "okta-sales") == ["sales"])
        #expect(try rules.directoryGroups(forIdPGroup: "okta-eng") == ["okta-jira"])
    }

    @Test func namedGroups() {
        var rules = manual([engineering])
        rules.defaultGroupsForNewUsers = ["newcomers"]
        rules.defaultGroupsForAllUsers = ["everyone"]
        #expect(rules.namedGroups == ["jira-users", "confluence-users", "newcomers", "everyone"])
    }
}

@Suite struct GroupNameFilterTests {
    @Test func emptyAdmitsEverything() throws {
        #expect(GroupNameFilter().isEmpty)
        #expect(try GroupNameFilter().admits("anything"))
        #expect(try GroupNameFilter().admits(""))
        #expect(!GroupNameFilter(allow: ["x"]).isEmpty)
        #expect(!GroupNameFilter(deny: ["x"]).isEmpty)
    }

    @Test func expressionsAreUnanchoredAndCaseSensitive() throws {
        let filter = GroupNameFilter(allow: ["eng"])
        #expect(try filter.admits("platform-eng-core"))
        #expect(try !filter.admits("ENG"))
        #expect(try GroupNameFilter(allow: ["(?i)eng"]).admits("ENG"))
    }

    @Test func anyAllowIsEnough() throws {
        let filter = GroupNameFilter(allow: ["^a", "^b"])
        #expect(try filter.admits("alpha"))
        #expect(try filter.admits("beta"))
        #expect(try !filter.admits("gamma"))
    }

    @Test func anInvalidExpressionMatchesNothing() throws {
        #expect(try !GroupNameFilter(allow: ["("]).admits("("))
        #expect(try GroupNameFilter(deny: ["("]).admits("("))
    }
}

/// `GroupSyncRules.mappedDirectoryGroups(forIdPGroup:)`: the only way into a protected group.
@Suite struct MappedDirectoryGroupsTests {
    @Test func onlyAManualMappingRowOfAnAdmittedGroupCounts() throws {
        var rules = GroupSyncRules()
        rules.mappings = [GroupSyncRules.Mapping(idpGroup: "Admins", directoryGroups: ["jira-administrators"])]
        #expect(try rules.mappedDirectoryGroups(forIdPGroup: "Admins").isEmpty, "on the fly ignores the mappings")
        rules.mode = .manual
        rules.importUnmappedGroups = true
        #expect(try rules.mappedDirectoryGroups(forIdPGroup: "admins") == ["jira-administrators"])
        #expect(try rules.mappedDirectoryGroups(forIdPGroup: "jira-administrators").isEmpty, "imported by name, not mapped")
        rules.filter = GroupNameFilter(deny: ["^Admins$"])
        #expect(try rules.mappedDirectoryGroups(forIdPGroup: "Admins").isEmpty, "the filter comes first")
    }
}
