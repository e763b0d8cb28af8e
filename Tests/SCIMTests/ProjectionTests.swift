import SCIM
import TestSupport
import Testing

@Suite struct ProjectionTests {
    let user: JSONObject
    init() throws {
        user = try object(
            """
            {"schemas":["\(userURN)","\(enterpriseURN)"],"id":"u1","externalId":"e1","userName":"bob",
             "name":{"givenName":"Bob","familyName":"Brown"},
             "emails":[{"value":"a@x","type":"work"},{"value":"b@x","type":"home"}],
             "\(enterpriseURN)":{"department":"D","manager":{"value":"m","displayName":"Boss"}},
             "meta":{"resourceType":"User","version":"W/\\"1\\""}}
            """
        )
    }

    private func project(attributes: String? = nil, excluded: String? = nil) throws -> JSONObject {
        try Projection(
            attributes: Projection.parseList(attributes),
            excludedAttributes: Projection.parseList(excluded),
            resourceType: .user
        ).apply(to: user)
    }

    @Test func attributesKeepOnlyWhatIsAskedPlusIdAndSchemas() throws {
        let result = try project(attributes: "userName")
        #expect(result.keys == ["schemas", "id", "userName"])
        #expect(result["schemas"] == user["schemas"])
        #expect(try project(attributes: "USERNAME").keys == ["schemas", "id", "userName"])
        #expect(try project(attributes: "id,schemas").keys == ["schemas", "id"])
        #expect(try project(attributes: "nickName").keys == ["schemas", "id"])
    }

    @Test func attributesWithSubAttributes() throws {
        let result = try project(attributes: "name.givenName, emails.value")
        #expect(
            canonical(result)
                == (try canonical(
                    """
                    {"schemas":["\(userURN)","\(enterpriseURN)"],"id":"u1","name":{"givenName":"Bob"},"emails":[{"value":"a@x"},{"value":"b@x"}]}
                    """
                ))
        )
        #expect(try project(attributes: "name.givenName,name").keys == ["schemas", "id", "name"])
        #expect(try project(attributes: "name.givenName,name")["name"] == user["name"])
    }

    @Test func attributesWithExtensionURNs() throws {
        let department = try project(attributes: "\(enterpriseURN):department")
        #expect(department.keys == ["schemas", "id", enterpriseURN])
        #expect(department[enterpriseURN] == (try json(#"{"department":"D"}"#)))
        #expect(try project(attributes: "\(enterpriseURN):manager.value")[enterpriseURN] == (try json(#"{"manager":{"value":"m"}}"#)))
        #expect(try project(attributes: enterpriseURN)[enterpriseURN] == user[enterpriseURN])
        // The core schema's URN may qualify a core attribute.
        #expect(try project(attributes: "\(userURN):userName").keys == ["schemas", "id", "userName"])
        #expect(try project(attributes: "\(userURN):name.familyName")["name"] == (try json(#"{"familyName":"Brown"}"#)))
    }

    @Test func excludedAttributes() throws {
        let result = try project(excluded: "emails,name.familyName")
        #expect(result.keys == ["schemas", "id", "externalId", "userName", "name", enterpriseURN, "meta"])
        #expect(result["name"] == (try json(#"{"givenName":"Bob"}"#)))
        #expect(try project(excluded: "emails.type")["emails"] == (try json(#"[{"value":"a@x"},{"value":"b@x"}]"#)))
        #expect(try project(excluded: "\(userURN):emails")["emails"] == nil)
    }

    @Test func excludedExtensionAttributes() throws {
        #expect(
            try project(excluded: "\(enterpriseURN):department")[enterpriseURN]
                == (try json(#"{"manager":{"value":"m","displayName":"Boss"}}"#))
        )
        #expect(
            try project(excluded: "\(enterpriseURN):manager.displayName")[enterpriseURN]
                == (try json(#"{"department":"D","manager":{"value":"m"}}"#))
        )
        #expect(try project(excluded: enterpriseURN)[enterpriseURN] == nil)
        #expect(try project(excluded: "\(enterpriseURN):department,\(enterpriseURN):manager")[enterpriseURN] == nil)
    }

    @Test func idAndSchemasCannotBeExcluded() throws {
        let result = try project(excluded: "id,schemas,userName")
        #expect(result["id"] == .string("u1"))
        #expect(result["schemas"] == user["schemas"])
        #expect(result["userName"] == nil)
    }

    @Test func identityChangesNothing() throws {
        #expect(Projection.identity.isIdentity)
        #expect(Projection.identity.apply(to: user) == user)
        #expect(try project() == user)
    }

    @Test func includesTellsWhetherAComputedAttributeIsReturned() throws {
        #expect(Projection.identity.includes("groups"))
        let attributes = Projection(attributes: try Projection.parseList("userName"), resourceType: .user)
        #expect(!attributes.includes("groups"))
        #expect(Projection(attributes: try Projection.parseList("Groups"), resourceType: .user).includes("groups"))
        #expect(!Projection(excludedAttributes: try Projection.parseList("members"), resourceType: .group).includes("members"))
        #expect(Projection(excludedAttributes: try Projection.parseList("members.display"), resourceType: .group).includes("members"))
    }

    @Test func invalidAttributeListsAreInvalidValue() {
        for text in ["1bad", "emails[type eq \"work\"]", "name.given.x"] {
            let error = #expect(throws: ScimError.self) { try Projection.parseList(text) }
            #expect(error?.scimType == .invalidValue, "\(text)")
        }
    }
}
