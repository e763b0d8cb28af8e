import SCIM
import SyncRules
import Testing

private func resource(_ text: String) throws -> JSONObject {
    try #require(try JSONParser.parse(text).objectValue)
}

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

/// Attribute mapping overrides and the username transform of `UserSyncRules.fields(for:)`.
@Suite struct AttributeMappingTests {
    private func rules(_ mapping: [DirectoryField: AttributeSource]) -> UserSyncRules {
        var rules = UserSyncRules()
        rules.attributeMapping = mapping
        return rules
    }

    @Test func valueFilterPathPicksTheMatchingElement() throws {
        let rules = rules([.email: AttributeSource(path: #"emails[type eq "home"].value"#)])
        let user = try resource(
            """
            {"userName":"ada","emails":[{"value":"ada@corp.com","type":"work","primary":true},
                                        {"value":"ada@home.org","type":"home"}]}
            """
        )
        #expect(try rules.fields(for: user).email == "ada@home.org")
    }

    @Test func valueFilterMatchesTheTypeIgnoringCase() throws {
        // SCIM string comparisons of `type` (caseExact false) ignore case.
        let rules = rules([.email: AttributeSource(path: #"emails[type eq "home"].value"#)])
        let user = try resource(#"{"userName":"ada","emails":[{"value":"ada@home.org","type":"Home"}]}"#)
        #expect(try rules.fields(for: user).email == "ada@home.org")
    }

    @Test func enterpriseExtensionPath() throws {
        let rules = rules([.displayName: AttributeSource(path: "\(enterprise):employeeNumber")])
        let user = try resource(#"{"userName":"ada","displayName":"Ada","\#(enterprise)":{"employeeNumber":"701984"}}"#)
        #expect(try rules.fields(for: user).displayName == "701984")
    }

    @Test func enterpriseExtensionNumberIsTakenAsItsText() throws {
        let rules = rules([.displayName: AttributeSource(path: "\(enterprise):employeeNumber")])
        let user = try resource(#"{"userName":"ada","\#(enterprise)":{"employeeNumber":701984}}"#)
        #expect(try rules.fields(for: user).displayName == "701984")
    }

    @Test func enterpriseExtensionSubAttribute() throws {
        let rules = rules([.lastName: AttributeSource(path: "\(enterprise):manager.displayName")])
        let user = try resource(#"{"userName":"ada","\#(enterprise)":{"manager":{"value":"m1","displayName":"Babbage"}}}"#)
        #expect(try rules.fields(for: user).lastName == "Babbage")
    }

    @Test func simpleAndSubAttributePaths() throws {
        let rules = rules([.displayName: AttributeSource(path: "title"), .firstName: AttributeSource(path: "name.middleName")])
        let user = try resource(#"{"userName":"ada","title":"Countess","name":{"givenName":"Ada","middleName":"King"}}"#)
        let result = try rules.fields(for: user)
        #expect(result.displayName == "Countess")
        #expect(result.firstName == "King")
        // Fields the rules do not map keep the default mapping.
        #expect(result.username == "ada")
        #expect(result.lastName == nil)
    }

    @Test func fallbackIsUsedWhenTheSourceIsAbsent() throws {
        let rules = rules([.email: AttributeSource(path: #"emails[type eq "home"].value"#, fallback: "mail")])
        let user = try resource(#"{"userName":"ada","emails":[{"value":"ada@corp.com","type":"work"}],"mail":"ada@mail.corp"}"#)
        #expect(try rules.fields(for: user).email == "ada@mail.corp")
        let withoutEmails = try resource(#"{"userName":"ada","mail":"ada@mail.corp"}"#)
        #expect(try rules.fields(for: withoutEmails).email == "ada@mail.corp")
    }

    @Test func fallbackIsUsedWhenTheSourceIsEmpty() throws {
        let rules = rules([.email: AttributeSource(path: #"emails[type eq "home"].value"#, fallback: #"emails[type eq "work"].value"#)])
        let user = try resource(
            """
            {"userName":"ada","emails":[{"value":"","type":"home"},{"value":"ada@corp.com","type":"work"}]}
            """
        )
        #expect(try rules.fields(for: user).email == "ada@corp.com")
        let emptyTitle = try resource(#"{"userName":"ada","title":"","nickName":"Ada"}"#)
        let titled = self.rules([.displayName: AttributeSource(path: "title", fallback: "nickName")])
        #expect(try titled.fields(for: emptyTitle).displayName == "Ada")
    }

    @Test func fallbackIsNotUsedWhenTheSourceHasAValue() throws {
        let rules = rules([.email: AttributeSource(path: #"emails[type eq "home"].value"#, fallback: "mail")])
        let user = try resource(#"{"userName":"ada","emails":[{"value":"ada@home.org","type":"home"}],"mail":"ada@mail.corp"}"#)
        #expect(try rules.fields(for: user).email == "ada@home.org")
    }

    @Test func mappedFieldWithoutAnyValueIsAbsent() throws {
        // An override replaces the default mapping: it does not fall back to the primary email.
        let rules = rules([.email: AttributeSource(path: #"emails[type eq "home"].value"#, fallback: "mail")])
        let user = try resource(#"{"userName":"ada","emails":[{"value":"ada@corp.com","type":"work","primary":true}]}"#)
        #expect(try rules.fields(for: user).email == nil)
    }

    @Test func attributeSourceValueDirectly() throws {
        let user = try resource(#"{"userName":"ada","emails":[{"value":"a@w","type":"work"},{"value":"a@h","type":"home"}],"active":true}"#)
        #expect(AttributeSource(path: "emails").value(in: user) == "a@w")
        #expect(AttributeSource(path: "emails.value").value(in: user) == "a@w")
        #expect(AttributeSource(path: #"emails[type eq "home"]"#).value(in: user) == "a@h")
        #expect(AttributeSource(path: "active").value(in: user) == "true")
        #expect(AttributeSource(path: "nickName").value(in: user) == nil)
        #expect(AttributeSource(path: #"emails[type eq "home""#).value(in: user) == nil)
    }

    @Test func pathProblem() {
        #expect(AttributeSource.pathProblem("title") == nil)
        #expect(AttributeSource.pathProblem(#"emails[type eq "home"].value"#) == nil)
        #expect(AttributeSource.pathProblem("\(enterprise):employeeNumber") == nil)
        #expect(AttributeSource.pathProblem(#"emails[type eq "home""#) != nil)
        #expect(AttributeSource.pathProblem(#"emails[type eq "home"]value"#) != nil)
    }

    @Test func usernameMappingOverride() throws {
        let rules = rules([.username: AttributeSource(path: "externalId")])
        let user = try resource(#"{"userName":"ada@corp.com","externalId":"E-17"}"#)
        #expect(try rules.fields(for: user).username == "E-17")
    }
}

@Suite struct UsernameTransformTests {
    private let corp = RegexTransform(pattern: #"^([^@]+)@corp\.com$"#, replacement: "$1")

    private func rules(_ transform: RegexTransform?) -> UserSyncRules {
        var rules = UserSyncRules()
        rules.usernameTransform = transform
        return rules
    }

    @Test func stripsTheDomain() throws {
        #expect(try rules(corp).fields(for: resource(#"{"userName":"ada@corp.com"}"#)).username == "ada")
    }

    @Test func nonMatchingNameIsUnchanged() throws {
        #expect(try rules(corp).fields(for: resource(#"{"userName":"ada@other.org"}"#)).username == "ada@other.org")
        #expect(try rules(corp).fields(for: resource(#"{"userName":"ada@corp.com.evil"}"#)).username == "ada@corp.com.evil")
        #expect(try rules(corp).fields(for: resource(#"{"userName":"ada"}"#)).username == "ada")
    }

    @Test func transformAppliesAfterTheMapping() throws {
        var rules = rules(corp)
        rules.attributeMapping[.username] = AttributeSource(path: #"emails[type eq "work"].value"#)
        let user = try resource(#"{"userName":"12345","emails":[{"value":"ada@corp.com","type":"work"}]}"#)
        #expect(try rules.fields(for: user).username == "ada")
    }

    @Test func otherFieldsAreNotTransformed() throws {
        let result = try rules(corp).fields(for: resource(#"{"userName":"ada@corp.com","emails":[{"value":"ada@corp.com"}]}"#))
        #expect(result.email == "ada@corp.com")
    }

    @Test func emptyResultIsRefused() throws {
        let cases: [(RegexTransform, String)] = [
            (RegexTransform(pattern: #"^([^@]*)@corp\.com$"#, replacement: "$1"), "@corp.com"),
            (RegexTransform(pattern: "^.*$", replacement: ""), "ada"),
            (RegexTransform(pattern: "^.*$", replacement: "  "), "ada"),
        ]
        for (transform, userName) in cases {
            let user = try resource(#"{"userName":"\#(userName)"}"#)
            let error = #expect(throws: RuleRefusal.self, "\(transform) on \(userName)") { try rules(transform).fields(for: user) }
            #expect(error?.kind == .unusableValue)
            #expect(error?.detail.contains(userName) == true)
        }
    }
}

/// `reconcile(existing:desired:)`: what the directory user becomes under each toggle.
@Suite struct ReconcileTests {
    private static let existing = DirectoryUserFields(
        username: "ada",
        email: "old@corp.com",
        displayName: "Old",
        firstName: "Ada",
        lastName: "Byron",
        active: true
    )
    private static let desired = DirectoryUserFields(
        username: "ada.l",
        email: "new@corp.com",
        displayName: "New",
        firstName: "Ada",
        lastName: "Lovelace",
        active: true
    )

    private func rules(create: Bool = true, update: Bool = true, deactivate: Bool = true, follow: Bool = true) -> UserSyncRules {
        var rules = UserSyncRules()
        rules.createUsers = create
        rules.updateUsers = update
        rules.deactivateUsers = deactivate
        rules.followActive = follow
        return rules
    }

    private func existing(active: Bool) -> DirectoryUserFields {
        var fields = Self.existing
        fields.active = active
        return fields
    }

    private func desired(active: Bool) -> DirectoryUserFields {
        var fields = Self.desired
        fields.active = active
        return fields
    }

    @Test func defaultsCreateAndUpdate() {
        let rules = UserSyncRules()
        #expect(rules.createUsers && rules.updateUsers && rules.deactivateUsers && rules.followActive)
        #expect(rules.reconcile(existing: nil, desired: Self.desired) == Self.desired)
        #expect(rules.reconcile(existing: Self.existing, desired: Self.desired) == Self.desired)
    }

    @Test func createUsersOffCreatesNothing() {
        #expect(rules(create: false).reconcile(existing: nil, desired: Self.desired) == nil)
        #expect(rules(create: false).reconcile(existing: nil, desired: desired(active: false)) == nil)
    }

    @Test func createUsersOffStillUpdatesExistingUsers() {
        #expect(rules(create: false).reconcile(existing: Self.existing, desired: Self.desired) == Self.desired)
    }

    @Test func updateUsersOffKeepsTheFields() {
        let result = rules(update: false).reconcile(existing: Self.existing, desired: Self.desired)
        #expect(result == Self.existing)
    }

    @Test func updateUsersOffStillFollowsActive() {
        let result = rules(update: false).reconcile(existing: existing(active: true), desired: desired(active: false))
        #expect(result == existing(active: false))
        let reactivated = rules(update: false).reconcile(existing: existing(active: false), desired: desired(active: true))
        #expect(reactivated == existing(active: true))
    }

    @Test func updateUsersOffStillCreates() {
        #expect(rules(update: false).reconcile(existing: nil, desired: Self.desired) == Self.desired)
    }

    @Test func followActiveOnDeactivatesAndActivates() {
        let rules = rules(follow: true)
        #expect(rules.reconcile(existing: existing(active: true), desired: desired(active: false))?.active == false)
        #expect(rules.reconcile(existing: existing(active: false), desired: desired(active: true))?.active == true)
        #expect(rules.reconcile(existing: existing(active: false), desired: desired(active: false))?.active == false)
        #expect(rules.reconcile(existing: existing(active: true), desired: desired(active: true))?.active == true)
    }

    @Test(arguments: [false, true], [false, true])
    func followActiveOffKeepsTheDirectoryState(current: Bool, requested: Bool) {
        for deactivate in [false, true] {
            let result = rules(deactivate: deactivate, follow: false)
                .reconcile(existing: existing(active: current), desired: desired(active: requested))
            #expect(result?.active == current)
            // The other fields are still updated.
            #expect(result?.email == Self.desired.email)
        }
    }

    @Test func deactivateUsersOffStillActivates() {
        let result = rules(deactivate: false).reconcile(existing: existing(active: false), desired: desired(active: true))
        #expect(result?.active == true)
    }

    @Test func deactivateUsersOffKeepsAnInactiveUserInactive() {
        let result = rules(deactivate: false).reconcile(existing: existing(active: false), desired: desired(active: false))
        #expect(result?.active == false)
    }

    /// Whatever the other toggles, an active user stays active when deactivation is off.
    @Test(arguments: [false, true], [false, true])
    func deactivateUsersOffNeverDeactivates(update: Bool, follow: Bool) {
        let rules = rules(update: update, deactivate: false, follow: follow)
        #expect(rules.reconcile(existing: existing(active: true), desired: desired(active: false))?.active == true)
        #expect(rules.reconcile(existing: nil, desired: desired(active: false))?.active == true)
    }

    /// A new user the IdP sends inactive is created inactive only when both followActive and deactivateUsers are on.
    @Test(arguments: [false, true], [false, true])
    func newInactiveUser(follow: Bool, deactivate: Bool) {
        let created = rules(deactivate: deactivate, follow: follow).reconcile(existing: nil, desired: desired(active: false))
        #expect(created?.active == !(follow && deactivate))
        #expect(created?.username == Self.desired.username)
        #expect(created?.email == Self.desired.email)
    }

    @Test(arguments: [false, true], [false, true])
    func newActiveUserIsAlwaysActive(follow: Bool, deactivate: Bool) {
        let created = rules(deactivate: deactivate, follow: follow).reconcile(existing: nil, desired: desired(active: true))
        #expect(created?.active == true)
    }

    /// The whole table: every toggle combination and every pair of states.
    @Test func everyCombination() {
        for create in [false, true] {
            for update in [false, true] {
                for deactivate in [false, true] {
                    for follow in [false, true] {
                        let rules = rules(create: create, update: update, deactivate: deactivate, follow: follow)
                        for requested in [false, true] {
                            let new = rules.reconcile(existing: nil, desired: desired(active: requested))
                            if create {
                                #expect(new == desired(active: requested || !(follow && deactivate)))
                            } else {
                                #expect(new == nil)
                            }
                            for current in [false, true] {
                                let result = rules.reconcile(existing: existing(active: current), desired: desired(active: requested))
                                var expected = update ? desired(active: requested) : existing(active: current)
                                expected.active = !follow ? current : requested ? true : deactivate ? false : current
                                #expect(
                                    result == expected,
                                    "create \(create) update \(update) deactivate \(deactivate) follow \(follow) current \(current) requested \(requested)"
                                )
                            }
                        }
                    }
                }
            }
        }
    }
}

@Suite struct DeleteOutcomeTests {
    private func rules(_ onDelete: UserSyncRules.DeleteAction, deactivateUsers: Bool) -> UserSyncRules {
        var rules = UserSyncRules()
        rules.onDelete = onDelete
        rules.deactivateUsers = deactivateUsers
        return rules
    }

    @Test func defaultIsDeactivateAndRefuse() {
        #expect(UserSyncRules().onDelete == .deactivate)
        #expect(UserSyncRules().deleteOutcome == .deactivate)
        #expect(UserSyncRules().existingUsers == .refuse)
    }

    @Test func deleteDeletesWhateverDeactivateUsersSays() {
        #expect(rules(.delete, deactivateUsers: true).deleteOutcome == .delete)
        #expect(rules(.delete, deactivateUsers: false).deleteOutcome == .delete)
    }

    @Test func deactivateDeactivatesWhenAllowed() {
        #expect(rules(.deactivate, deactivateUsers: true).deleteOutcome == .deactivate)
    }

    @Test func deactivateKeepsTheUserWhenDeactivationIsOff() {
        #expect(rules(.deactivate, deactivateUsers: false).deleteOutcome == .keep)
    }
}
