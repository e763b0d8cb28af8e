import SCIM
import SyncRules
import Testing

private let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
private let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
private let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

/// A resource after a PATCH as the service applies it for an app of `profile`: the request read
/// in the profile's dialect, the operations applied, the result type-checked with its conversions.
private func patch(_ operations: String, _ resource: String, as type: ResourceType = .user, profile: ProviderProfile) throws -> JSONObject {
    let body = try JSONParser.parse(Array(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":\#(operations)}"#.utf8))
    let request = try PatchRequest.parse(body, dialect: profile.patchDialect)
    let current = try #require(try JSONParser.parse(Array(resource.utf8)).objectValue)
    let engine = PatchEngine(resourceType: type, conversions: profile.valueConversions, dialect: profile.patchDialect)
    return try ResourceDocument.finish(try engine.apply(request, to: current), as: type, id: "u1", conversions: profile.valueConversions)
}

private func value(_ text: String) throws -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
}

private let user = """
    {"schemas":["\(userURN)"],"id":"u1","userName":"bjensen","active":true,
     "emails":[{"value":"b@home.com","type":"home"}]}
    """

/// Every PATCH deviation is accepted for the profiles that need it and refused as RFC 7644
/// refuses it for every other profile.
@Suite struct ProviderProfileDialectTests {
    private func others(than kept: [ProviderProfile]) -> [ProviderProfile] {
        ProviderProfile.allCases.filter { !kept.contains($0) }
    }

    @Test func replaceThroughAFilterMatchingNothingCreatesTheValueForEntraOnly() throws {
        let operation = #"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"b@work.com"}]"#
        let created = try patch(operation, user, profile: .entra)
        #expect(created["emails"] == (try value(#"[{"value":"b@home.com","type":"home"},{"type":"work","value":"b@work.com"}]"#)))
        for profile in others(than: [.entra]) {
            #expect(throws: ScimError.noTarget("No value of 'emails' matches the filter."), "\(profile)") {
                try patch(operation, user, profile: profile)
            }
        }
    }

    @Test func capitalisedOpNamesForEntraOnly() throws {
        let operation = #"[{"op":"Replace","path":"title","value":"Boss"}]"#
        #expect(try patch(operation, user, profile: .entra)["title"] == .string("Boss"))
        for profile in others(than: [.entra]) {
            #expect(throws: ScimError.invalidSyntax("Operations[0].op must be add, replace or remove."), "\(profile)") {
                try patch(operation, user, profile: profile)
            }
            #expect(try patch(#"[{"op":"replace","path":"title","value":"Boss"}]"#, user, profile: profile)["title"] == .string("Boss"))
        }
    }

    @Test func booleanStringsForEntraAndOneLoginOnly() throws {
        let operation = #"[{"op":"replace","path":"active","value":"False"}]"#
        for profile in [ProviderProfile.entra, .onelogin] {
            #expect(try patch(operation, user, profile: profile)["active"] == .bool(false), "\(profile)")
        }
        for profile in others(than: [.entra, .onelogin]) {
            #expect(throws: ScimError.invalidValue("active: expected a boolean, found a string."), "\(profile)") {
                try patch(operation, user, profile: profile)
            }
        }
    }

    @Test func bareManagerIdAndEmptyManagerForEntraOnly() throws {
        let set = #"[{"op":"add","path":"\#(enterpriseURN):manager","value":"m-1"}]"#
        let managed = try patch(set, user, profile: .entra)
        #expect(managed[enterpriseURN] == (try value(#"{"manager":{"value":"m-1"}}"#)))
        let cleared = try patch(
            #"[{"op":"Replace","path":"\#(enterpriseURN):manager","value":""}]"#,
            JSONWriter.string(.object(managed)),
            profile: .entra
        )
        #expect(cleared[enterpriseURN] == nil)
        for profile in others(than: [.entra]) {
            #expect(throws: ScimError.invalidValue("\(enterpriseURN):manager: expected an object, found a string."), "\(profile)") {
                try patch(set, user, profile: profile)
            }
        }
    }

    @Test func removeWithAValueListRemovesOnlyThoseForEntraAndOneLoginAndIsRefusedOtherwise() throws {
        let operation = #"[{"op":"remove","path":"emails","value":[{"value":"b@home.com"}]}]"#
        let twoEmails = """
            {"schemas":["\(userURN)"],"id":"u1","userName":"bjensen",
             "emails":[{"value":"b@home.com","type":"home"},{"value":"b@work.com","type":"work"}]}
            """
        for profile in [ProviderProfile.entra, .onelogin] {
            #expect(try patch(operation, twoEmails, profile: profile)["emails"] == (try value(#"[{"value":"b@work.com","type":"work"}]"#)))
        }
        for profile in others(than: [.entra, .onelogin]) {
            // RFC 7644 §3.5.2.2 has no value for remove: refused, never read as "remove all".
            #expect(throws: ScimError.self, "\(profile)") { try patch(operation, twoEmails, profile: profile) }
            let filtered = try patch(#"[{"op":"remove","path":"emails[value eq \"b@home.com\"]"}]"#, twoEmails, profile: profile)
            #expect(filtered["emails"] == (try value(#"[{"value":"b@work.com","type":"work"}]"#)), "\(profile)")
        }
    }

    @Test func pathlessValueKeyedByPathsForEntraOnly() throws {
        for key in ["name.givenName", "\(enterpriseURN):department", #"emails[type eq \"home\"].display"#] {
            let operation = #"[{"op":"replace","value":{"\#(key)":"X"}}]"#
            #expect(throws: Never.self) { try patch(operation, user, profile: .entra) }
            for profile in others(than: [.entra]) {
                #expect(throws: ScimError.self, "\(profile) \(key)") { try patch(operation, user, profile: profile) }
            }
        }
        let entra = try patch(#"[{"op":"replace","value":{"name.givenName":"Babs"}}]"#, user, profile: .entra)
        #expect(entra["name"] == (try value(#"{"givenName":"Babs"}"#)))
        // Plain attribute names and whole extension objects are RFC 7644 §3.5.2.1 for every profile.
        for profile in ProviderProfile.allCases {
            let result = try patch(
                #"[{"op":"replace","value":{"displayName":"B","\#(enterpriseURN)":{"department":"Ops"}}}]"#,
                user,
                profile: profile
            )
            #expect(result["displayName"] == .string("B"))
            #expect(result[enterpriseURN] == (try value(#"{"department":"Ops"}"#)))
        }
    }

    @Test func aSingleObjectForAMultiValuedAttributeForOneLoginOnly() throws {
        let operation = #"[{"op":"add","path":"emails","value":{"value":"b@work.com","type":"work"}}]"#
        let result = try patch(operation, user, profile: .onelogin)
        #expect(result["emails"] == (try value(#"[{"value":"b@home.com","type":"home"},{"value":"b@work.com","type":"work"}]"#)))
        for profile in others(than: [.onelogin]) {
            #expect(throws: ScimError.invalidValue("emails: expected an array of objects, found an object."), "\(profile)") {
                try patch(operation, user, profile: profile)
            }
        }
    }

    @Test func oktasUnchangedIdInAPathlessGroupRenameForEveryProfile() throws {
        // Echoing the current id changes nothing (RFC 7643 §2.2 forbids changing it, not naming it).
        let group = #"{"schemas":["\#(groupURN)"],"id":"u1","displayName":"Eng"}"#
        for profile in ProviderProfile.allCases {
            let renamed = try patch(#"[{"op":"replace","value":{"id":"u1","displayName":"Engineering"}}]"#, group, as: .group, profile: profile)
            #expect(renamed["displayName"] == .string("Engineering"))
            #expect(throws: ScimError.mutability("The attribute 'id' is read-only.")) {
                try patch(#"[{"op":"replace","value":{"id":"other"}}]"#, group, as: .group, profile: profile)
            }
        }
    }
}
