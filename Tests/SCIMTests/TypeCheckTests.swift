import SCIM
import TestSupport
import Testing

/// Every client-writable attribute of the published schemas, with its path in an error detail
/// and a function putting a value at it inside an otherwise valid resource.
private struct Target {
    var path: String
    var definition: AttributeDefinition
    var type: ResourceType
    var place: (JSONValue) -> JSONObject
}

private func base(_ type: ResourceType) -> JSONObject {
    type.schema.id == groupURN
        ? JSONObject([("schemas", .array([.string(groupURN)])), ("displayName", .string("g"))])
        : JSONObject([("schemas", .array([.string(userURN), .string(enterpriseURN)])), ("userName", .string("bob"))])
}

/// A value of the right type for a definition (a single element when `element`).
private func valid(_ definition: AttributeDefinition, element: Bool = false) -> JSONValue {
    if definition.multiValued && !element { return .array([valid(definition, element: true)]) }
    switch definition.type {
    case .string, .reference, .binary: return .string("x")
    case .boolean: return .bool(true)
    case .decimal: return .number("1.5")
    case .integer: return .number("2")
    case .dateTime: return .string("2026-12-01T10:00:00Z")
    case .complex: return .object(JSONObject([("value", .string("v"))].filter { _ in definition.subAttribute("value") != nil }))
    }
}

/// JSON values of the wrong type for a definition, after the dialect conversions.
private func wrong(_ definition: AttributeDefinition) -> [JSONValue] {
    let kinds: [JSONValue] = [.string("x"), .number("5"), .bool(true), .object(JSONObject()), .array([.number("5")])]
    if definition.multiValued {
        // Not an array, or an array of the wrong element type.
        return kinds.filter { $0.arrayValue == nil } + wrongElements(definition).map { .array([$0]) }
    }
    return wrongElements(definition) + [.array([valid(definition)])]
}

private func wrongElements(_ definition: AttributeDefinition) -> [JSONValue] {
    let kinds: [JSONValue] = [.string("x"), .number("5"), .bool(true), .object(JSONObject())]
    return kinds.filter { value in
        switch (definition.type, value) {
        case (.string, .string), (.reference, .string), (.binary, .string), (.boolean, .bool), (.complex, .object): false
        case (.decimal, .number), (.integer, .number): false
        // A bare id for the single-valued manager is Entra's dialect: {"value": id}.
        case (.complex, .string) where !definition.multiValued && definition.subAttribute("value") != nil: false
        default: true
        }
    }
}

private func targets() -> [Target] {
    var result: [Target] = []
    for type in [ResourceType.user, .group] {
        var schemas: [(prefix: String, urn: String?, attributes: [AttributeDefinition])] = [("", nil, type.schema.attributes)]
        schemas += type.extensions.map { ("\($0.id):", $0.id, $0.attributes) }
        for (prefix, urn, attributes) in schemas {
            // Members are read by the group endpoints (MemberValue.list): tested below.
            for definition in attributes where definition.mutability != .readOnly && definition.name != "members" {
                func put(_ value: JSONValue) -> JSONObject {
                    var object = base(type)
                    if let urn { object[urn] = .object(JSONObject([(definition.name, value)])) } else { object[definition.name] = value }
                    return object
                }
                result.append(Target(path: prefix + definition.name, definition: definition, type: type, place: put))
                for sub in definition.subAttributes {
                    let path = definition.multiValued ? "\(prefix)\(definition.name)[0].\(sub.name)" : "\(prefix)\(definition.name).\(sub.name)"
                    result.append(
                        Target(path: path, definition: sub, type: type) { value in
                            let element = JSONValue.object(JSONObject([(sub.name, value)]))
                            return put(definition.multiValued ? .array([element]) : element)
                        }
                    )
                }
            }
        }
    }
    return result
}

private func finish(_ object: JSONObject, _ type: ResourceType, _ conversions: ValueConversions = .rfc) throws(ScimError) -> JSONObject {
    try ResourceDocument.prepare(.object(object), as: type, id: "id-1", conversions: conversions)
}

@Suite struct TypeCheckTests {
    @Test func everyAttributeGivenEachWrongTypeIsRefusedNamingIt() {
        var checked = 0
        for target in targets() {
            for value in wrong(target.definition) {
                let body = target.place(value)
                do {
                    let stored = try finish(body, target.type)
                    Issue.record("\(target.path) = \(JSONWriter.string(value)) was accepted: \(canonical(stored))")
                } catch {
                    #expect(error.status == 400, "\(target.path)")
                    #expect(error.scimType == .invalidValue, "\(target.path)")
                    #expect(error.detail.hasPrefix(target.path + ":") || error.detail.hasPrefix(target.path + "[0]:"), "\(error.detail)")
                }
                checked += 1
            }
        }
        #expect(checked > 150)
    }

    @Test func everyAttributeGivenTheRightTypeIsAccepted() throws {
        for target in targets() {
            _ = try finish(target.place(valid(target.definition)), target.type)
        }
    }

    @Test func detailsSayWhatWasExpectedAndFound() {
        let cases: [(String, String)] = [
            (#"{"schemas":["\#(userURN)"],"userName":"b","emails":"a@b"}"#, "emails: expected an array of objects, found a string."),
            (#"{"schemas":["\#(userURN)"],"userName":"b","emails":{"value":"a@b"}}"#, "emails: expected an array of objects, found an object."),
            (#"{"schemas":["\#(userURN)"],"userName":"b","emails":["a@b"]}"#, "emails[0]: expected an object, found a string."),
            (#"{"schemas":["\#(userURN)"],"userName":"b","emails":[null]}"#, "emails[0]: expected an object, found null."),
            (#"{"schemas":["\#(userURN)"],"userName":"b","active":"yes"}"#, "active: expected a boolean, found a string."),
            (#"{"schemas":["\#(userURN)"],"userName":"b","name":{"givenName":5}}"#, "name.givenName: expected a string, found a number."),
            (#"{"schemas":["\#(userURN)"],"userName":"b","externalId":7}"#, "externalId: expected a string, found a number."),
            (#"{"schemas":["\#(userURN)"],"userName":"b","password":true}"#, "password: expected a string, found a boolean."),
            (
                #"{"schemas":["\#(userURN)"],"userName":"b","\#(enterpriseURN)":"x"}"#,
                "\(enterpriseURN): expected an object, found a string."
            ),
            (
                #"{"schemas":["\#(userURN)"],"userName":"b","\#(enterpriseURN)":{"manager":{"value":1}}}"#,
                "\(enterpriseURN):manager.value: expected a string, found a number."
            ),
        ]
        for (body, detail) in cases {
            #expect(throws: ScimError.invalidValue(detail)) { try ResourceDocument.prepare(try json(body), as: .user, id: "x") }
        }
    }

    @Test func dialectConversionsComeFirst() throws {
        let stored = try ResourceDocument.prepare(
            try json(
                #"{"schemas":["\#(userURN)"],"userName":"b","active":"False","emails":[{"value":"a@b","primary":"True"}],"#
                    + #""nickName":null,"phoneNumbers":[],"\#(enterpriseURN)":{"manager":"boss-1"}}"#
            ),
            as: .user,
            id: "x",
            conversions: .entra
        )
        #expect(stored["active"] == .bool(false))
        #expect(stored["emails"]?.arrayValue?.first?["primary"] == .bool(true))
        #expect(stored["nickName"] == nil && stored["phoneNumbers"] == nil)
        #expect(stored[enterpriseURN]?["manager"] == .object(JSONObject([("value", .string("boss-1"))])))
    }

    @Test func oneLoginsSingleObjectIsAnArrayOnlyInItsDialect() throws {
        let body = try json(#"{"schemas":["\#(userURN)"],"userName":"b","emails":{"value":"a@b"}}"#)
        #expect(throws: ScimError.self) { try ResourceDocument.prepare(body, as: .user, id: "x") }
        let stored = try ResourceDocument.prepare(body, as: .user, id: "x", conversions: .onelogin)
        #expect(stored["emails"] == .array([.object(JSONObject([("value", .string("a@b"))]))]))
    }

    @Test func unknownAttributesAndSubAttributesAreKeptAsTheyAre() throws {
        let stored = try ResourceDocument.prepare(
            try json(#"{"schemas":["\#(userURN)"],"userName":"b","custom":{"n":5},"emails":[{"value":"a@b","extra":[1]}]}"#),
            as: .user,
            id: "x"
        )
        #expect(stored["custom"] == .object(JSONObject([("n", .number("5"))])))
        #expect(stored["emails"]?.arrayValue?.first?["extra"] == .array([.number("1")]))
    }

    @Test func readOnlyAttributesAreIgnoredWhateverTheirType() throws {
        // Okta's PUT carries the user as read: id, meta and groups are the server's.
        let stored = try ResourceDocument.prepare(
            try json(#"{"schemas":["\#(userURN)"],"userName":"b","id":"x","meta":"m","groups":{"value":"g"}}"#),
            as: .user,
            id: "x"
        )
        #expect(stored["groups"] == nil && stored["meta"] == nil)
    }

    @Test func patchValuesAreChecked() throws {
        let user = try ResourceDocument.prepare(try json(#"{"schemas":["\#(userURN)"],"userName":"b"}"#), as: .user, id: "x")
        let refused: [(String, String)] = [
            (#"{"op":"add","path":"emails","value":{"value":"a@b"}}"#, "emails: expected an array of objects, found an object."),
            (#"{"op":"add","path":"emails","value":"a@b"}"#, "emails: expected an array of objects, found a string."),
            (#"{"op":"replace","path":"active","value":{"a":1}}"#, "active: expected a boolean, found an object."),
            (#"{"op":"replace","value":{"displayName":5}}"#, "displayName: expected a string, found a number."),
            (#"{"op":"add","path":"name.givenName","value":true}"#, "name.givenName: expected a string, found a boolean."),
            (
                #"{"op":"add","value":{"\#(enterpriseURN)":{"department":["a"]}}}"#,
                "\(enterpriseURN):department: expected a string, found an array."
            ),
        ]
        for (operation, detail) in refused {
            let request = try PatchRequest.parse(
                try json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operation)]}"#)
            )
            #expect(throws: ScimError.invalidValue(detail), "\(operation)") {
                try ResourceDocument.finish(try PatchEngine(resourceType: .user).apply(request, to: user), as: .user, id: "x")
            }
        }
        let entra = try PatchRequest.parse(
            try json(
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"#
            ),
            dialect: .entra
        )
        let patched = try ResourceDocument.finish(
            try PatchEngine(resourceType: .user, conversions: .entra, dialect: .entra).apply(entra, to: user),
            as: .user,
            id: "x",
            conversions: .entra
        )
        #expect(patched["active"] == .bool(false))
    }

    @Test func membersMustBeAnArrayOfObjects() throws {
        for (value, detail) in [
            (#"{"value":"u1"}"#, "members: expected an array of objects, found an object."),
            (#""u1""#, "members: expected an array of objects, found a string."),
            (#"["u1"]"#, "members[0]: expected an object, found a string."),
            (#"[{"value":5}]"#, "members[0].value: expected a string, found a number."),
            (#"[{"value":"u1","type":true}]"#, "members[0].type: expected a string, found a boolean."),
        ] {
            #expect(throws: ScimError.invalidValue(detail)) { try MemberValue.list(from: try json(value)) }
        }
        #expect(try MemberValue.list(from: try json(#"[{"value":"u1","$ref":null}]"#)) == [MemberValue(id: "u1")])
        #expect(try MemberValue.list(from: try json(#"{"value":"u1"}"#), conversions: .onelogin) == [MemberValue(id: "u1")])
    }

    @Test func dateTimesAreRFC3339() {
        let definition = AttributeDefinition("when", .dateTime, description: "")
        for text in ["2026-12-01T10:00:00Z", "2026-12-01t10:00:00.123456789+02:00", "2026-12-01T10:00:00-05:30"] {
            #expect(definition.fits(.string(text)), "\(text)")
        }
        for text in ["2026-12-01", "2026-12-01 10:00:00Z", "2026-12-01T10:00:00", "2026-12-01T10:00:00.Z", "yesterday", ""] {
            #expect(!definition.fits(.string(text)), "\(text)")
        }
        #expect(AttributeDefinition("n", .integer, description: "").fits(.number("3")))
        #expect(!AttributeDefinition("n", .integer, description: "").fits(.number("3.5")))
        #expect(AttributeDefinition("n", .decimal, description: "").fits(.number("3.5e2")))
    }
}
