import SCIM
import SyncRules
import Testing

/// The problems a rules document is refused with (none when it parses).
private func problems(_ text: String) -> [RuleProblem] {
    do {
        _ = try RulesDocument.parse(text)
        return []
    } catch {
        return error.problems
    }
}

private func paths(_ text: String) -> [String] {
    problems(text).map(\.path)
}

/// Rules with every setting away from its default.
private func everything() -> AppRules {
    var user = UserSyncRules()
    user.createUsers = false
    user.updateUsers = false
    user.deactivateUsers = false
    user.followActive = false
    user.onDelete = .deactivate
    user.existingUsers = .refuse
    user.attributeMapping = [
        .email: AttributeSource(path: #"emails[type eq "home"].value"#, fallback: "mail"),
        .displayName: AttributeSource(path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"),
        .username: AttributeSource(path: "externalId", fallback: "userName"),
    ]
    user.usernameTransform = RegexTransform(pattern: #"^([^@]+)@corp\.com$"#, replacement: "$1")
    var group = GroupSyncRules()
    group.mode = .manual
    group.defaultGroupsForNewUsers = ["newcomers"]
    group.defaultGroupsForAllUsers = ["everyone", "staff"]
    group.mappings = [
        GroupSyncRules.Mapping(idpGroup: "Engineering", directoryGroups: ["jira-users", "confluence-users"]),
        GroupSyncRules.Mapping(idpGroup: "Sales", directoryGroups: ["crm"]),
    ]
    group.importUnmappedGroups = true
    group.keepExistingMemberships = false
    group.filter = GroupNameFilter(allow: ["^app-", "^team-"], deny: ["-test$"])
    group.nameTransform = RegexTransform(pattern: "^app-(.+)$", replacement: "$1")
    return AppRules(userSync: user, groupSync: group)
}

@Suite struct RulesDocumentTests {
    @Test func emptyDocumentIsTheDefaults() throws {
        #expect(try RulesDocument.parse("{}") == AppRules())
        #expect(try RulesDocument.parse(#"{"userSync":{},"groupSync":{}}"#) == AppRules())
        #expect(try RulesDocument.parse(#"{"userSync":null,"groupSync":{"mode":null,"filter":null,"nameTransform":null}}"#) == AppRules())
        #expect(try RulesDocument.parse(.object(JSONObject())) == AppRules())
    }

    @Test func readsTheDocumentedExample() throws {
        let rules = try RulesDocument.parse(
            #"""
            {"userSync": {"createUsers": true, "onDelete": "deactivate",
                          "attributeMapping": {"email": {"path": "emails[type eq \"work\"].value", "fallback": "mail"}},
                          "usernameTransform": {"pattern": "^([^@]+)@corp\\.com$", "replacement": "$1"}},
             "groupSync": {"mode": "manual", "mappings": [{"idpGroup": "Eng", "directoryGroups": ["jira-users"]}]}}
            """#
        )
        #expect(rules.userSync.createUsers)
        #expect(rules.userSync.onDelete == .deactivate)
        #expect(rules.userSync.attributeMapping == [.email: AttributeSource(path: #"emails[type eq "work"].value"#, fallback: "mail")])
        #expect(rules.userSync.usernameTransform == RegexTransform(pattern: #"^([^@]+)@corp\.com$"#, replacement: "$1"))
        #expect(rules.groupSync.mode == .manual)
        #expect(rules.groupSync.mappings == [GroupSyncRules.Mapping(idpGroup: "Eng", directoryGroups: ["jira-users"])])
        #expect(try rules.groupSync.directoryGroups(forIdPGroup: "eng") == ["jira-users"])
    }

    @Test func jsonOfTheDefaultsListsEverySetting() throws {
        let object = try #require(RulesDocument.json(AppRules()).objectValue)
        #expect(object.keys == ["userSync", "groupSync"])
        let user = try #require(object["userSync"]?.objectValue)
        #expect(
            user.keys == [
                "createUsers", "updateUsers", "deactivateUsers", "followActive", "onDelete", "existingUsers",
                "attributeMapping", "usernameTransform",
            ]
        )
        #expect(user["onDelete"] == .string("deactivate"))
        #expect(user["existingUsers"] == .string("refuse"))
        #expect(user["usernameTransform"] == .null)
        let group = try #require(object["groupSync"]?.objectValue)
        #expect(group["mode"] == .string("onTheFly"))
        #expect(group["nameTransform"] == .null)
    }

    @Test(arguments: [AppRules(), everything()])
    func roundTrip(rules: AppRules) throws {
        let json = RulesDocument.json(rules)
        #expect(try RulesDocument.parse(json) == rules)
        #expect(RulesDocument.json(try RulesDocument.parse(json)) == json)
        // Through text, as the rules are stored.
        let text = JSONWriter.string(json)
        #expect(try RulesDocument.parse(text) == rules)
        #expect(JSONWriter.string(RulesDocument.json(try RulesDocument.parse(text))) == text)
    }

    @Test func jsonKeepsTheMappingInFieldOrder() throws {
        let json = RulesDocument.json(everything())
        let mapping = try #require(json["userSync"]?["attributeMapping"]?.objectValue)
        #expect(mapping.keys == ["username", "email", "displayName"])
        #expect(mapping["email"] == .object(JSONObject([("path", .string(#"emails[type eq "home"].value"#)), ("fallback", .string("mail"))])))
        #expect(mapping["displayName"]?["fallback"] == nil)
    }

    @Test func notJSON() {
        let found = problems(#"{"userSync": "#)
        #expect(found.count == 1)
        #expect(found.first?.path == "")
        #expect(found.first?.message.contains("invalid JSON") == true)
    }

    @Test func notAnObject() {
        #expect(problems("[]") == [RuleProblem(path: "", message: "expected an object")])
        #expect(paths(#"{"userSync":[]}"#) == ["/userSync"])
        #expect(paths(#"{"groupSync":"manual"}"#) == ["/groupSync"])
    }

    @Test func unknownKey() {
        let found = problems(#"{"userSync":{"bogus":true}}"#)
        #expect(found.map(\.path) == ["/userSync/bogus"])
        #expect(found.first?.message.contains("unknown key") == true)
        #expect(paths(#"{"usersync":{}}"#) == ["/usersync"])
        #expect(paths(#"{"groupSync":{"filter":{"allowed":[]}}}"#) == ["/groupSync/filter/allowed"])
        #expect(
            paths(#"{"groupSync":{"mappings":[{"idpGroup":"a","directoryGroups":["b"],"note":"x"}]}}"#)
                == ["/groupSync/mappings/0/note"]
        )
    }

    @Test func unknownKeyIsEscapedAsAJSONPointer() {
        #expect(paths(#"{"userSync":{"a/b~c":1}}"#) == ["/userSync/a~1b~0c"])
    }

    @Test func wrongType() {
        let found = problems(#"{"userSync":{"createUsers":"yes"}}"#)
        #expect(found == [RuleProblem(path: "/userSync/createUsers", message: "expected true or false")])
        #expect(paths(#"{"groupSync":{"importUnmappedGroups":1}}"#) == ["/groupSync/importUnmappedGroups"])
        #expect(paths(#"{"groupSync":{"mappings":{}}}"#) == ["/groupSync/mappings"])
        #expect(paths(#"{"groupSync":{"defaultGroupsForAllUsers":["ok",7]}}"#) == ["/groupSync/defaultGroupsForAllUsers/1"])
        #expect(paths(#"{"userSync":{"usernameTransform":"^x$"}}"#) == ["/userSync/usernameTransform"])
    }

    @Test func badEnum() {
        let found = problems(#"{"groupSync":{"mode":"automatic"}}"#)
        #expect(found.map(\.path) == ["/groupSync/mode"])
        #expect(found.first?.message == #"expected one of: "onTheFly", "manual""#)
        #expect(paths(#"{"userSync":{"onDelete":"purge"}}"#) == ["/userSync/onDelete"])
        #expect(paths(#"{"userSync":{"existingUsers":true}}"#) == ["/userSync/existingUsers"])
        // Enumerations are exact.
        #expect(paths(#"{"groupSync":{"mode":"Manual"}}"#) == ["/groupSync/mode"])
    }

    @Test func badRegexInTheFilter() {
        let found = problems(#"{"groupSync":{"filter":{"allow":["^ok$"],"deny":["([a-z"]}}}"#)
        #expect(found.map(\.path) == ["/groupSync/filter/deny/0"])
        #expect(found.first?.message.contains("not a valid regular expression") == true)
        #expect(paths(#"{"groupSync":{"filter":{"allow":["^ok$","("]}}}"#) == ["/groupSync/filter/allow/1"])
        #expect(paths(#"{"groupSync":{"filter":{"deny":[""]}}}"#) == ["/groupSync/filter/deny/0"])
    }

    @Test func duplicateMapping() {
        let found = problems(
            """
            {"groupSync":{"mode":"manual","mappings":[{"idpGroup":"Engineering","directoryGroups":["a"]},
                                                      {"idpGroup":"engineering","directoryGroups":["b"]}]}}
            """
        )
        #expect(found.map(\.path) == ["/groupSync/mappings/1/idpGroup"])
        #expect(found.first?.message.contains("mapped twice") == true)
    }

    @Test func mappingEntryProblems() {
        #expect(paths(#"{"groupSync":{"mappings":[{"directoryGroups":["a"]}]}}"#) == ["/groupSync/mappings/0/idpGroup"])
        #expect(paths(#"{"groupSync":{"mappings":[{"idpGroup":" ","directoryGroups":["a"]}]}}"#) == ["/groupSync/mappings/0/idpGroup"])
        #expect(paths(#"{"groupSync":{"mappings":[{"idpGroup":"a"}]}}"#) == ["/groupSync/mappings/0/directoryGroups"])
        #expect(paths(#"{"groupSync":{"mappings":[{"idpGroup":"a","directoryGroups":[]}]}}"#) == ["/groupSync/mappings/0/directoryGroups"])
        #expect(
            paths(#"{"groupSync":{"mappings":[{"idpGroup":"a","directoryGroups":["x","X"]}]}}"#)
                == ["/groupSync/mappings/0/directoryGroups/1"]
        )
        #expect(paths(#"{"groupSync":{"mappings":["a"]}}"#) == ["/groupSync/mappings/0"])
    }

    @Test func namesAreTrimmedAndLimited() throws {
        let rules = try RulesDocument.parse(#"{"groupSync":{"defaultGroupsForAllUsers":["  everyone "]}}"#)
        #expect(rules.groupSync.defaultGroupsForAllUsers == ["everyone"])
        let long = String(repeating: "g", count: 201)
        #expect(paths(#"{"groupSync":{"defaultGroupsForNewUsers":["\#(long)"]}}"#) == ["/groupSync/defaultGroupsForNewUsers/0"])
        #expect(paths(#"{"groupSync":{"defaultGroupsForNewUsers":["a","A"]}}"#) == ["/groupSync/defaultGroupsForNewUsers/1"])
    }

    @Test func missingPattern() {
        let found = problems(#"{"userSync":{"usernameTransform":{"replacement":"$1"}}}"#)
        #expect(found == [RuleProblem(path: "/userSync/usernameTransform/pattern", message: "is required")])
        #expect(paths(#"{"groupSync":{"nameTransform":{"pattern":"^a$"}}}"#) == ["/groupSync/nameTransform/replacement"])
        #expect(
            Set(paths(#"{"groupSync":{"nameTransform":{}}}"#))
                == ["/groupSync/nameTransform/pattern", "/groupSync/nameTransform/replacement"]
        )
        #expect(paths(#"{"groupSync":{"nameTransform":{"pattern":1,"replacement":"x"}}}"#) == ["/groupSync/nameTransform/pattern"])
    }

    @Test func badTransform() {
        #expect(
            paths(#"{"userSync":{"usernameTransform":{"pattern":"([a-z","replacement":"$1"}}}"#)
                == ["/userSync/usernameTransform/pattern"]
        )
        let found = problems(#"{"groupSync":{"nameTransform":{"pattern":"^(a)$","replacement":"$2"}}}"#)
        #expect(found.map(\.path) == ["/groupSync/nameTransform/replacement"])
        #expect(found.first?.message.contains("$2") == true)
        #expect(paths(#"{"groupSync":{"nameTransform":{"pattern":"^(a)$","replacement":"\\$2"}}}"#) == [])
    }

    @Test func badAttributePath() {
        let found = problems(#"{"userSync":{"attributeMapping":{"email":{"path":"emails[type eq \"home\""}}}}"#)
        #expect(found.map(\.path) == ["/userSync/attributeMapping/email/path"])
        #expect(found.first?.message.contains("is not a SCIM attribute path") == true)
        #expect(
            paths(#"{"userSync":{"attributeMapping":{"email":{"path":"mail","fallback":"1mail"}}}}"#)
                == ["/userSync/attributeMapping/email/fallback"]
        )
        #expect(paths(#"{"userSync":{"attributeMapping":{"email":{"fallback":"mail"}}}}"#) == ["/userSync/attributeMapping/email/path"])
        #expect(paths(#"{"userSync":{"attributeMapping":{"email":{"path":""}}}}"#) == ["/userSync/attributeMapping/email/path"])
        #expect(paths(#"{"userSync":{"attributeMapping":{"phone":{"path":"phoneNumbers"}}}}"#) == ["/userSync/attributeMapping/phone"])
        #expect(paths(#"{"userSync":{"attributeMapping":{"email":"mail"}}}"#) == ["/userSync/attributeMapping/email"])
    }

    @Test func severalProblemsAreAllListed() {
        let found = problems(
            #"""
            {"userSync": {"bogus": 1, "createUsers": "yes",
                          "attributeMapping": {"email": {"path": "emails[type eq \"home\""}},
                          "usernameTransform": {"replacement": "$1"}},
             "groupSync": {"mode": "automatic", "filter": {"deny": ["([a-z"]},
                           "mappings": [{"idpGroup": "Eng", "directoryGroups": ["a"]}, {"idpGroup": "ENG", "directoryGroups": ["b"]}]}}
            """#
        )
        #expect(
            Set(found.map(\.path)) == [
                "/userSync/bogus", "/userSync/createUsers", "/userSync/attributeMapping/email/path",
                "/userSync/usernameTransform/pattern", "/groupSync/mode", "/groupSync/filter/deny/0",
                "/groupSync/mappings/1/idpGroup",
            ]
        )
        #expect(found.count == 7)
        #expect(found.allSatisfy { !$0.message.isEmpty })
    }

    @Test func problemsAreNamedBelowTheGivenPath() throws {
        let value = try JSONParser.parse(#"{"groupSync":{"mode":"x"}}"#)
        let error = #expect(throws: RuleProblems.self) { try RulesDocument.parse(value, at: "/apps/0/rules") }
        #expect(error?.problems.map(\.path) == ["/apps/0/rules/groupSync/mode"])
    }

    @Test func descriptions() {
        let problem = RuleProblem(path: "/groupSync/mode", message: "expected one of: \"onTheFly\", \"manual\"")
        #expect(problem.description == #"/groupSync/mode: expected one of: "onTheFly", "manual""#)
        #expect(RuleProblem(path: "", message: "expected an object").description == "/: expected an object")
        #expect(
            RuleProblems([problem, RuleProblem(path: "", message: "x")]).description
                == "/groupSync/mode: expected one of: \"onTheFly\", \"manual\"\n/: x"
        )
    }
}

@Suite struct DuplicateKeyTests {
    @Test func aKeyGivenTwiceIsAProblemNamedByItsPath() throws {
        do {
            _ = try RulesDocument.parse(#"{"userSync": {"createUsers": true, "createUsers": false}}"#)
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.problems.map(\.path) == ["/userSync/createUsers"])
            #expect(error.problems.first?.message == "the key appears twice")
        }
    }
}
