import SCIM
import TestSupport
import Testing

private let patchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

private func request(_ operations: String, dialect: PatchDialect = .rfc) throws -> PatchRequest {
    try PatchRequest.parse(try json(#"{"schemas":["\#(patchOpURN)"],"Operations":\#(operations)}"#), dialect: dialect)
}

/// Applies a PATCH in RFC 7644 as written, or in Entra ID's dialect (its op names, conversions, deviations).
private func apply(_ operations: String, to resource: JSONObject, type: ResourceType = .user, entra: Bool = false) throws -> JSONObject {
    try PatchEngine(resourceType: type, conversions: entra ? .entra : .rfc, dialect: entra ? .entra : .rfc)
        .apply(try request(operations, dialect: entra ? .entra : .rfc), to: resource)
}

/// The error a PATCH request fails with, whether when parsed or when applied.
private func failure(_ operations: String, on resource: JSONObject) -> ScimError? {
    #expect(throws: ScimError.self) { try apply(operations, to: resource) }
}

@Suite struct PatchEngineTests {
    let user: JSONObject
    init() throws {
        user = try object(
            """
            {"schemas":["\(userURN)"],"id":"u1","userName":"bjensen",
             "name":{"givenName":"Barbara","familyName":"Jensen"},
             "emails":[{"value":"b@work.com","type":"work","primary":true},{"value":"b@home.com","type":"home"}],
             "active":true}
            """
        )
    }

    /// `user` with its members replaced or added from `changes` (a JSON object), compared as sorted JSON.
    private func expected(_ changes: String, removing: [String] = []) throws -> String {
        var result = user
        for (key, value) in try object(changes) { result[key] = value }
        result.removeAll(named: removing)
        return canonical(result)
    }

    // MARK: add

    @Test func addWithoutPathSetsEachMemberAndAppendsToMultiValued() throws {
        let result = try apply(#"[{"op":"add","value":{"title":"Boss","emails":[{"value":"b@other.com","type":"other"}]}}]"#, to: user)
        #expect(
            canonical(result)
                == (try expected(
                    """
                    {"title":"Boss","emails":[{"value":"b@work.com","type":"work","primary":true},{"value":"b@home.com","type":"home"},
                                              {"value":"b@other.com","type":"other"}]}
                    """
                ))
        )
    }

    @Test func addWithSimplePath() throws {
        let result = try apply(
            """
            [{"op":"add","path":"title","value":"Boss"},
             {"op":"add","path":"emails","value":[{"value":"b@home.com","type":"home","display":"Home"},{"value":"x@y.com","type":"other"}]},
             {"op":"add","path":"name","value":{"middleName":"Q"}}]
            """,
            to: user
        )
        // An element with the same value and type is replaced, not duplicated; complex values merge.
        #expect(
            canonical(result)
                == (try expected(
                    """
                    {"title":"Boss","name":{"givenName":"Barbara","familyName":"Jensen","middleName":"Q"},
                     "emails":[{"value":"b@work.com","type":"work","primary":true},{"value":"b@home.com","type":"home","display":"Home"},
                               {"value":"x@y.com","type":"other"}]}
                    """
                ))
        )
    }

    @Test func addWithSubAttributePath() throws {
        let result = try apply(#"[{"op":"add","path":"name.middleName","value":"Q"}]"#, to: user)
        #expect(result["name"] == .object(try object(#"{"givenName":"Barbara","familyName":"Jensen","middleName":"Q"}"#)))
        var bare = user
        bare["name"] = nil
        let created = try apply(#"[{"op":"add","path":"name.givenName","value":"Babs"}]"#, to: bare)
        #expect(created["name"] == .object(try object(#"{"givenName":"Babs"}"#)))
    }

    @Test func addWithValueFilterMergesIntoTheMatchedElement() throws {
        let result = try apply(#"[{"op":"add","path":"emails[type eq \"home\"]","value":{"display":"Home"}}]"#, to: user)
        #expect(
            result["emails"]
                == (try json(
                    """
                    [{"value":"b@work.com","type":"work","primary":true},{"value":"b@home.com","type":"home","display":"Home"}]
                    """
                ))
        )
    }

    @Test func addWithValueFilterAndSubAttribute() throws {
        let result = try apply(#"[{"op":"add","path":"emails[type eq \"home\"].display","value":"Home"}]"#, to: user)
        #expect(
            result["emails"]
                == (try json(
                    """
                    [{"value":"b@work.com","type":"work","primary":true},{"value":"b@home.com","type":"home","display":"Home"}]
                    """
                ))
        )
    }

    @Test func addWithExtensionAttributePathCreatesTheExtension() throws {
        let result = try apply(#"[{"op":"add","path":"\#(enterpriseURN):department","value":"Sales"}]"#, to: user)
        #expect(result[enterpriseURN] == .object(try object(#"{"department":"Sales"}"#)))
        #expect(result["schemas"] == .array([.string(userURN), .string(enterpriseURN)]))
    }

    @Test func addWholeExtensionObject() throws {
        let result = try apply(#"[{"op":"add","path":"\#(enterpriseURN)","value":{"department":"X","employeeNumber":"42"}}]"#, to: user)
        #expect(result[enterpriseURN] == .object(try object(#"{"department":"X","employeeNumber":"42"}"#)))
        #expect(result["schemas"] == .array([.string(userURN), .string(enterpriseURN)]))
        let pathless = try apply(#"[{"op":"add","value":{"\#(enterpriseURN)":{"department":"Z"}}}]"#, to: user)
        #expect(pathless[enterpriseURN] == .object(try object(#"{"department":"Z"}"#)))
        #expect(pathless["schemas"] == .array([.string(userURN), .string(enterpriseURN)]))
    }

    // MARK: replace

    @Test func replaceWithoutPath() throws {
        let result = try apply(
            """
            [{"op":"replace","value":{"displayName":"Babs","emails":[{"value":"new@work.com","type":"work"}],"name":{"givenName":"Babs"}}}]
            """,
            to: user
        )
        // Multi-valued attributes are replaced whole; sub-attributes not named are kept.
        #expect(
            canonical(result)
                == (try expected(
                    """
                    {"displayName":"Babs","emails":[{"value":"new@work.com","type":"work"}],"name":{"givenName":"Babs","familyName":"Jensen"}}
                    """
                ))
        )
    }

    @Test func replaceWithSimplePath() throws {
        let result = try apply(
            """
            [{"op":"replace","path":"userName","value":"babs"},
             {"op":"replace","path":"emails","value":[{"value":"only@x.com","type":"work"}]},
             {"op":"replace","path":"name","value":{"givenName":"B"}}]
            """,
            to: user
        )
        #expect(
            canonical(result)
                == (try expected(
                    """
                    {"userName":"babs","emails":[{"value":"only@x.com","type":"work"}],"name":{"givenName":"B","familyName":"Jensen"}}
                    """
                ))
        )
    }

    @Test func replaceWithSubAttributePath() throws {
        let result = try apply(#"[{"op":"replace","path":"name.givenName","value":"Babs"}]"#, to: user)
        #expect(canonical(result) == (try expected(#"{"name":{"givenName":"Babs","familyName":"Jensen"}}"#)))
    }

    @Test func replaceWithValueFilterReplacesTheMatchedElement() throws {
        let result = try apply(#"[{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"w2@work.com","type":"work"}}]"#, to: user)
        #expect(result["emails"] == (try json(#"[{"value":"w2@work.com","type":"work"},{"value":"b@home.com","type":"home"}]"#)))
    }

    @Test func replaceWithValueFilterAndSubAttribute() throws {
        let result = try apply(#"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@work.com"}]"#, to: user)
        #expect(
            canonical(result)
                == (try expected(
                    """
                    {"emails":[{"value":"new@work.com","type":"work","primary":true},{"value":"b@home.com","type":"home"}]}
                    """
                ))
        )
    }

    @Test func replaceExtensionSubAttribute() throws {
        var resource = user
        resource["schemas"] = .array([.string(userURN), .string(enterpriseURN)])
        resource[enterpriseURN] = try json(#"{"department":"Sales","manager":{"value":"m1","displayName":"Boss"}}"#)
        let result = try apply(#"[{"op":"replace","path":"\#(enterpriseURN):manager.value","value":"m2"}]"#, to: resource)
        #expect(result[enterpriseURN] == (try json(#"{"department":"Sales","manager":{"value":"m2","displayName":"Boss"}}"#)))
    }

    @Test func replaceWholeExtensionKeepsAttributesNotNamed() throws {
        var resource = user
        resource["schemas"] = .array([.string(userURN), .string(enterpriseURN)])
        resource[enterpriseURN] = try json(#"{"department":"X","employeeNumber":"42"}"#)
        let result = try apply(#"[{"op":"replace","path":"\#(enterpriseURN)","value":{"department":"Y"}}]"#, to: resource)
        #expect(result[enterpriseURN] == (try json(#"{"department":"Y","employeeNumber":"42"}"#)))
    }

    // MARK: remove

    @Test func removeWithSimplePath() throws {
        let result = try apply(#"[{"op":"remove","path":"emails"},{"op":"remove","path":"name"}]"#, to: user)
        #expect(canonical(result) == (try expected("{}", removing: ["emails", "name"])))
        // Removing an attribute that is not there changes nothing.
        #expect(try apply(#"[{"op":"remove","path":"nickName"}]"#, to: user) == user)
    }

    @Test func removeWithSubAttributePath() throws {
        let result = try apply(#"[{"op":"remove","path":"name.familyName"}]"#, to: user)
        #expect(result["name"] == .object(try object(#"{"givenName":"Barbara"}"#)))
        let emptied = try apply(#"[{"op":"remove","path":"name.familyName"},{"op":"remove","path":"name.givenName"}]"#, to: user)
        #expect(emptied["name"] == nil)
    }

    @Test func removeWithValueFilter() throws {
        let result = try apply(#"[{"op":"remove","path":"emails[type eq \"home\"]"}]"#, to: user)
        #expect(result["emails"] == (try json(#"[{"value":"b@work.com","type":"work","primary":true}]"#)))
        let all = try apply(#"[{"op":"remove","path":"emails[type pr]"}]"#, to: user)
        #expect(all["emails"] == nil)
    }

    @Test func removeWithValueFilterAndSubAttribute() throws {
        let result = try apply(#"[{"op":"remove","path":"emails[type eq \"work\"].primary"}]"#, to: user)
        #expect(result["emails"] == (try json(#"[{"value":"b@work.com","type":"work"},{"value":"b@home.com","type":"home"}]"#)))
    }

    @Test func removeExtensionAttributeDropsAnEmptyExtensionAndItsSchema() throws {
        var resource = user
        resource["schemas"] = .array([.string(userURN), .string(enterpriseURN)])
        resource[enterpriseURN] = try json(#"{"department":"Sales","costCenter":"42"}"#)
        let one = try apply(#"[{"op":"remove","path":"\#(enterpriseURN):department"}]"#, to: resource)
        #expect(one[enterpriseURN] == (try json(#"{"costCenter":"42"}"#)))
        #expect(one["schemas"] == .array([.string(userURN), .string(enterpriseURN)]))
        let both = try apply(
            #"[{"op":"remove","path":"\#(enterpriseURN):department"},{"op":"remove","path":"\#(enterpriseURN):costCenter"}]"#,
            to: resource
        )
        #expect(both[enterpriseURN] == nil)
        #expect(both["schemas"] == .array([.string(userURN)]))
    }

    @Test func removeWholeExtension() throws {
        var resource = user
        resource["schemas"] = .array([.string(userURN), .string(enterpriseURN)])
        resource[enterpriseURN] = try json(#"{"department":"Sales"}"#)
        let result = try apply(#"[{"op":"remove","path":"\#(enterpriseURN)"}]"#, to: resource)
        #expect(result == user)
    }

    @Test func removeWithoutPathIsNoTarget() {
        let error = failure(#"[{"op":"remove"}]"#, on: user)
        #expect(error?.status == 400)
        #expect(error?.scimType == .noTarget)
        #expect(failure(#"[{"op":"remove","path":"  "}]"#, on: user)?.scimType == .noTarget)
    }

    // MARK: real IdPs

    @Test func entraPathlessReplaceWithDottedAndURNKeys() throws {
        let patched = try apply(
            """
            [{"op":"Replace","value":{"name.givenName":"Babs",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Ops",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":"m-9",
              "active":"False"}}]
            """,
            to: user,
            entra: true
        )
        let result = try ResourceDocument.finish(patched, as: .user, id: "u1", conversions: .entra)
        #expect(result["name"] == .object(try object(#"{"givenName":"Babs","familyName":"Jensen"}"#)))
        #expect(result[enterpriseURN] == (try json(#"{"department":"Ops","manager":{"value":"m-9"}}"#)))
        #expect(result["schemas"] == .array([.string(userURN), .string(enterpriseURN)]))
        #expect(result["active"] == .bool(false))
        #expect(result["name.givenName"] == nil)
    }

    @Test func oktaPathlessReplaceOfActive() throws {
        let result = try apply(#"[{"op":"replace","value":{"active":false}}]"#, to: user)
        #expect(canonical(result) == (try expected(#"{"active":false}"#)))
    }

    @Test func opNamesIgnoreCase() throws {
        let parsed = try request(
            """
            [{"op":"Replace","path":"title","value":"a"},{"op":"ADD","path":"nickName","value":"b"},{"op":"Remove","path":"name"}]
            """,
            dialect: .entra
        )
        #expect(parsed.operations.map(\.kind) == [.replace, .add, .remove])
        let result = try PatchEngine(resourceType: .user).apply(parsed, to: user)
        #expect(result["title"] == .string("a"))
        #expect(result["nickName"] == .string("b"))
        #expect(result["name"] == nil)
    }

    @Test func opNamesAreExactInRFC7644() {
        for op in ["Replace", "ADD", "Remove"] {
            #expect(throws: ScimError.invalidSyntax("Operations[0].op must be add, replace or remove.")) {
                try request(#"[{"op":"\#(op)","path":"title","value":"a"}]"#)
            }
        }
    }

    @Test func booleanStringsBecomeBooleans() throws {
        let patched = try apply(#"[{"op":"Replace","path":"active","value":"False"}]"#, to: user, entra: true)
        #expect(try ResourceDocument.finish(patched, as: .user, id: "u1", conversions: .entra)["active"] == .bool(false))
        let again = try apply(#"[{"op":"Replace","path":"active","value":"TRUE"}]"#, to: patched, entra: true)
        #expect(try ResourceDocument.finish(again, as: .user, id: "u1", conversions: .entra)["active"] == .bool(true))
    }

    @Test func entraMembersRemovalRemovesOnlyTheListedMembers() throws {
        let group = try object(#"{"schemas":["\#(groupURN)"],"id":"g1","displayName":"Eng","members":[{"value":"x"},{"value":"y"}]}"#)
        let operations = #"[{"op":"Remove","path":"members","value":[{"value":"x"}]}]"#
        let result = try apply(operations, to: group, type: .group, entra: true)
        #expect(result["members"] == (try json(#"[{"value":"y"}]"#)))
        // The service applies member changes row by row: the same request is one removal of id x.
        let split = try MemberPatch.split(try request(operations, dialect: .entra))
        #expect(split.members == [.remove(ids: ["x"])])
        #expect(split.rest.operations.isEmpty)
    }

    @Test func membersRemovalByFilterAndPathlessMembersAdd() throws {
        let split = try MemberPatch.split(
            try request(
                """
                [{"op":"remove","path":"members[value eq \\"a\\" or value eq \\"b\\"]"},
                 {"op":"add","value":{"members":[{"value":"c","type":"User"}],"displayName":"Renamed"}},
                 {"op":"remove","path":"members"}]
                """
            )
        )
        #expect(split.members == [.remove(ids: ["a", "b"]), .add([MemberValue(id: "c", type: "User")]), .removeAll])
        #expect(split.rest.operations.count == 1)
        #expect(split.rest.operations.first?.value == .object(JSONObject([("displayName", .string("Renamed"))])))
    }

    @Test func valueFilterPathCreatesTheElementWhenAbsentInEntrasDialect() throws {
        var bare = user
        bare["emails"] = nil
        let replace = #"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@x.com"}]"#
        let created = try apply(replace, to: bare, entra: true)
        #expect(created["emails"] == (try json(#"[{"type":"work","value":"new@x.com"}]"#)))
        var homeOnly = user
        homeOnly["emails"] = try json(#"[{"value":"b@home.com","type":"home"}]"#)
        let add = #"[{"op":"add","path":"emails[type eq \"work\"].value","value":"w@x.com"}]"#
        let appended = try apply(add, to: homeOnly, entra: true)
        #expect(appended["emails"] == (try json(#"[{"value":"b@home.com","type":"home"},{"type":"work","value":"w@x.com"}]"#)))
        // RFC 7644 §3.5.2.3: a value filter that matches nothing is noTarget.
        #expect(throws: ScimError.noTarget("No value of 'emails' matches the filter.")) { try apply(replace, to: bare) }
        #expect(throws: ScimError.noTarget("No value of 'emails' matches the filter.")) { try apply(add, to: homeOnly) }
    }

    @Test func valueFilterWithoutMatchOrTemplateIsNoTarget() {
        let error = failure(#"[{"op":"replace","path":"emails[value co \"nowhere\"].display","value":"D"}]"#, on: user)
        #expect(error?.scimType == .noTarget)
    }

    @Test func onlyOneElementStaysPrimary() throws {
        let added = try apply(#"[{"op":"add","path":"emails","value":[{"value":"n@x.com","type":"other","primary":true}]}]"#, to: user)
        #expect(
            added["emails"]
                == (try json(
                    """
                    [{"value":"b@work.com","type":"work","primary":false},{"value":"b@home.com","type":"home"},
                     {"value":"n@x.com","type":"other","primary":true}]
                    """
                ))
        )
        let switched = try apply(#"[{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}]"#, to: user)
        #expect(
            switched["emails"]
                == (try json(
                    """
                    [{"value":"b@work.com","type":"work","primary":false},{"value":"b@home.com","type":"home","primary":true}]
                    """
                ))
        )
        let entra = try apply(#"[{"op":"Replace","path":"emails[type eq \"home\"].primary","value":"True"}]"#, to: user, entra: true)
        let finished = try ResourceDocument.finish(entra, as: .user, id: "u1", conversions: .entra)
        #expect(
            finished["emails"]
                == (try json(
                    """
                    [{"value":"b@work.com","type":"work","primary":false},{"value":"b@home.com","type":"home","primary":true}]
                    """
                ))
        )
    }

    // MARK: errors

    @Test func readOnlyAttributesAreMutabilityErrors() throws {
        for operations in [
            #"[{"op":"replace","path":"id","value":"other"}]"#,
            #"[{"op":"replace","value":{"id":"other"}}]"#,
            #"[{"op":"add","path":"groups","value":[{"value":"g1"}]}]"#,
            #"[{"op":"replace","path":"meta.created","value":"2020-01-01T00:00:00Z"}]"#,
        ] {
            let error = failure(operations, on: user)
            #expect(error?.status == 400, "\(operations)")
            #expect(error?.scimType == .mutability, "\(operations)")
        }
        // Repeating the current id (as some clients do) is not a change.
        #expect(try apply(#"[{"op":"replace","value":{"id":"u1","title":"T"}}]"#, to: user)["title"] == .string("T"))
    }

    @Test(arguments: [
        #"emails[type eq"#, #"emails[type eq \"work\"]x"#, "1bad", "name.given.x", #"emails[type zz \"work\"]"#,
        #"name.givenName[type eq \"x\"]"#, "emails]",
    ])
    func invalidPathsAreInvalidPath(path: String) {
        let error = failure(#"[{"op":"replace","path":"\#(path)","value":"v"}]"#, on: user)
        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidPath)
    }

    @Test func nonStringPathIsInvalidPath() {
        #expect(failure(#"[{"op":"replace","path":42,"value":"v"}]"#, on: user)?.scimType == .invalidPath)
    }

    @Test func malformedRequests() throws {
        #expect(throws: ScimError.self) { try PatchRequest.parse(try json(#"{"Operations":[{"op":"add","path":"title","value":"x"}]}"#)) }
        #expect(failure("[]", on: user)?.scimType == .invalidSyntax)
        #expect(failure(#"[{"op":"move","path":"title"}]"#, on: user)?.scimType == .invalidSyntax)
        #expect(failure(#"["add"]"#, on: user)?.scimType == .invalidSyntax)
        #expect(failure(#"[{"op":"add","path":"title"}]"#, on: user)?.scimType == .invalidValue)
        #expect(failure(#"[{"op":"replace","value":"not an object"}]"#, on: user)?.scimType == .invalidSyntax)
        #expect(failure(#"[{"op":"add","path":"\#(enterpriseURN)","value":"x"}]"#, on: user)?.scimType == .invalidValue)
    }

    @Test func failingSecondOperationAppliesNothing() throws {
        let original = user
        let operations = #"[{"op":"replace","path":"title","value":"Changed"},{"op":"replace","path":"id","value":"other"}]"#
        let error = failure(operations, on: original)
        #expect(error?.scimType == .mutability)
        #expect(original == user)
        // The first operation alone would have changed the resource.
        #expect(try apply(#"[{"op":"replace","path":"title","value":"Changed"}]"#, to: original)["title"] == .string("Changed"))
    }
}
