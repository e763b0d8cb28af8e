import SCIM
import TestSupport
import Testing

private func prepare(_ text: String, id: String = "new-id", conversions: ValueConversions = .rfc) throws -> JSONObject {
    try ResourceDocument.prepare(try json(text), as: .user, id: id, conversions: conversions)
}

private func failure(_ text: String) -> ScimError? {
    #expect(throws: ScimError.self) { try prepare(text) }
}

@Suite struct ResourceDocumentTests {
    @Test func missingOrMalformedSchemasIsInvalidSyntax() {
        for body in [
            #"{"userName":"bob"}"#, #"{"schemas":[],"userName":"bob"}"#, #"{"schemas":"\#(userURN)","userName":"bob"}"#,
            #"{"schemas":[1],"userName":"bob"}"#,
        ] {
            let error = failure(body)
            #expect(error?.status == 400, "\(body)")
            #expect(error?.scimType == .invalidSyntax, "\(body)")
        }
    }

    @Test func bodyMustBeAnObject() {
        #expect(throws: ScimError.invalidSyntax("The request body must be a JSON object.")) {
            try ResourceDocument.prepare(.array([]), as: .user, id: "x")
        }
    }

    @Test func wrongSchemaIsInvalidValue() {
        let error = failure(#"{"schemas":["\#(groupURN)"],"userName":"bob"}"#)
        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidValue)
        // The core schema may be listed in any case.
        #expect(throws: Never.self) { try prepare(#"{"schemas":["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],"userName":"bob"}"#) }
    }

    @Test(arguments: [
        #"{"schemas":["\#(userURN)"]}"#, #"{"schemas":["\#(userURN)"],"userName":""}"#,
        #"{"schemas":["\#(userURN)"],"userName":"   "}"#, #"{"schemas":["\#(userURN)"],"userName":null}"#,
        #"{"schemas":["\#(userURN)"],"userName":42}"#,
    ])
    func missingOrEmptyUserNameIsInvalidValue(body: String) {
        let error = failure(body)
        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidValue)
    }

    @Test func serverOwnedAttributesAreDroppedAndIdAssigned() throws {
        let result = try prepare(
            """
            {"schemas":["\(userURN)"],"id":"client-id","meta":{"version":"W/\\"9\\""},"password":"secret",
             "userName":"bob","groups":[{"value":"g1"}]}
            """
        )
        #expect(result.keys == ["schemas", "id", "userName"])
        #expect(result["id"] == .string("new-id"))
        #expect(result["password"] == nil)
        #expect(result["meta"] == nil)
    }

    @Test func unknownAttributesAndExtensionsAreKeptInOrder() throws {
        let result = try prepare(
            """
            {"schemas":["\(userURN)","urn:example:ext:1.0"],"userName":"bob","zeta":1,"alpha":{"x":[1,2]},
             "urn:example:ext:1.0":{"k":"v","a":[true]},"externalId":"e-1","name":{"givenName":"Bob"},"customFlag":"False"}
            """
        )
        #expect(result.keys == ["schemas", "id", "externalId", "userName", "zeta", "alpha", "urn:example:ext:1.0", "name", "customFlag"])
        #expect(result["alpha"] == (try json(#"{"x":[1,2]}"#)))
        #expect(result["urn:example:ext:1.0"] == (try json(#"{"k":"v","a":[true]}"#)))
        // An attribute no schema models is not reinterpreted.
        #expect(result["customFlag"] == .string("False"))
        #expect(result["schemas"] == .array([.string(userURN), .string("urn:example:ext:1.0")]))
    }

    @Test func managerGivenAsABareStringBecomesAnObjectInEntrasDialectOnly() throws {
        let bare = """
            {"schemas":["\(userURN)","\(enterpriseURN)"],"userName":"bob","\(enterpriseURN)":{"manager":"m-1","department":"D"}}
            """
        let result = try prepare(bare, conversions: .entra)
        #expect(result[enterpriseURN] == (try json(#"{"manager":{"value":"m-1"},"department":"D"}"#)))
        let empty = try prepare(
            """
            {"schemas":["\(userURN)","\(enterpriseURN)"],"userName":"bob","\(enterpriseURN)":{"manager":""}}
            """,
            conversions: .entra
        )
        #expect(empty[enterpriseURN] == nil)
        #expect(throws: ScimError.invalidValue("\(enterpriseURN):manager: expected an object, found a string.")) { try prepare(bare) }
    }

    @Test func booleanStringsBecomeBooleansInEntrasAndOneLoginsDialects() throws {
        let text = """
            {"schemas":["\(userURN)"],"userName":"bob","active":"True",
             "emails":[{"value":"a@x","primary":"true"},{"value":"b@x","primary":"FALSE"}]}
            """
        for conversions in [ValueConversions.entra, .onelogin] {
            let result = try prepare(text, conversions: conversions)
            #expect(result["active"] == .bool(true))
            #expect(result["emails"] == (try json(#"[{"value":"a@x","primary":true},{"value":"b@x","primary":false}]"#)))
            #expect(
                try prepare(#"{"schemas":["\#(userURN)"],"userName":"bob","active":"False"}"#, conversions: conversions)["active"] == .bool(false)
            )
        }
        #expect(throws: ScimError.invalidValue("active: expected a boolean, found a string.")) { try prepare(text) }
    }

    @Test func attributeNamesTakeTheSchemaSpellingAndNullsAreDropped() throws {
        let result = try prepare(#"{"SCHEMAS":["\#(userURN)"],"USERNAME":"bob","displayname":"Bob","title":null,"EMAILS":[{"VALUE":"a@x"}]}"#)
        #expect(result["userName"] == .string("bob"))
        #expect(result.keys.contains("userName"))
        #expect(result.keys.contains("displayName"))
        #expect(result["title"] == nil)
        #expect(!result.keys.contains("title"))
        // A single object where an array is expected is refused except in OneLogin's dialect (TypeCheckTests).
        #expect(result["emails"] == (try json(#"[{"value":"a@x"}]"#)))
    }

    @Test(arguments: [
        #""active":"yes""#, #""active":{"x":1}"#, #""name":"Bob Brown""#, #""emails":[{"value":"a@x","primary":"maybe"}]"#,
        #""\#(enterpriseURN)":{"department":["a"]}"#,
    ])
    func valuesOfTheWrongTypeAreInvalidValue(member: String) {
        let error = failure(#"{"schemas":["\#(userURN)","\#(enterpriseURN)"],"userName":"bob",\#(member)}"#)
        #expect(error?.scimType == .invalidValue)
    }

    @Test func finishKeepsTheStoredIdAndDefaultsSchemas() throws {
        let result = try ResourceDocument.finish(try object(#"{"userName":"bob","id":"other"}"#), as: .user, id: "kept")
        #expect(result.keys == ["schemas", "id", "userName"])
        #expect(result["id"] == .string("kept"))
        #expect(result["schemas"] == .array([.string(userURN)]))
    }
}
