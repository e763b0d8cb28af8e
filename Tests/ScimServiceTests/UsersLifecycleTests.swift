import DirectoryStore
import SCIM
import ScimService
import Testing

@Suite struct UsersLifecycleTests {
    let harness: ServiceHarness
    init() throws { harness = try ServiceHarness() }

    @Test func postGetPutPatchDelete() throws {
        // POST
        let created = harness.send(
            "POST",
            "/Users",
            body: userJSON(
                """
                "userName":"ada@corp.com","externalId":"e-ada","password":"s3cret","title":"Engineer",
                "name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"value":"ada@corp.com","type":"work","primary":true}]
                """
            )
        )
        #expect(created.status == 201)
        #expect(created.header("Content-Type") == "application/scim+json")
        let user = try #require(try created.json().objectValue)
        let id = try #require(user["id"]?.stringValue)
        let location = "https://scim.example.com:8443/scim/okta/v2/Users/\(id)"
        #expect(created.header("Location") == location)
        #expect(created.header("ETag") == #"W/"1""#)
        #expect(user.keys == ["schemas", "id", "externalId", "userName", "title", "name", "emails", "meta"])
        #expect(user["password"] == nil)
        let meta = try #require(user["meta"]?.objectValue)
        #expect(meta["resourceType"] == .string("User"))
        #expect(meta["location"] == .string(location))
        #expect(meta["version"] == .string(#"W/"1""#))
        #expect(meta["created"] == meta["lastModified"])
        #expect(meta["created"]?.stringValue?.hasSuffix("Z") == true)

        // GET
        let read = harness.send("GET", "/Users/\(id)")
        #expect(read.status == 200)
        #expect(read.header("ETag") == #"W/"1""#)
        #expect(read.body == created.body)

        // PUT replaces the whole resource.
        let replaced = harness.send(
            "PUT",
            "/Users/\(id)",
            body: userJSON(
                """
                "id":"\(id)","userName":"ada@corp.com","displayName":"Countess","meta":{"version":"W/\\"1\\""}
                """
            )
        )
        #expect(replaced.status == 200)
        #expect(replaced.header("ETag") == #"W/"2""#)
        let afterPut = try #require(try replaced.json().objectValue)
        #expect(afterPut["displayName"] == .string("Countess"))
        #expect(afterPut["title"] == nil)
        #expect(afterPut["name"] == nil)
        #expect(afterPut["id"] == .string(id))
        #expect(afterPut["meta"]?["created"] == meta["created"])
        #expect(afterPut["meta"]?["version"] == .string(#"W/"2""#))

        // PATCH
        let patched = harness.send(
            "PATCH",
            "/Users/\(id)",
            body: patchJSON(
                """
                [{"op":"replace","path":"active","value":false},{"op":"add","path":"emails","value":[{"type":"work","value":"ada@corp.com"}]}]
                """
            )
        )
        #expect(patched.status == 200)
        #expect(patched.header("ETag") == #"W/"3""#)
        let afterPatch = try #require(try patched.json().objectValue)
        #expect(afterPatch["active"] == .bool(false))
        #expect(afterPatch["emails"] == .array([.object(JSONObject([("type", .string("work")), ("value", .string("ada@corp.com"))]))]))
        #expect(afterPatch["displayName"] == .string("Countess"))
        #expect(harness.send("GET", "/Users/\(id)").body == patched.body)

        // DELETE
        let deleted = harness.send("DELETE", "/Users/\(id)")
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        let gone = harness.send("GET", "/Users/\(id)")
        #expect(gone.status == 404)
        #expect(try gone.json()["status"] == .string("404"))
        #expect(try gone.json()["schemas"] == .array([.string("urn:ietf:params:scim:api:messages:2.0:Error")]))
        #expect(try harness.store.directoryUsers(directory: "Corp").map(\.active) == [false], "deactivated, by default")
    }

    @Test func createdUserAppearsInTheDirectory() throws {
        _ = try harness.createUser(#""userName":"ada@corp.com","name":{"givenName":"Ada","familyName":"Lovelace"}"#)
        let users = try harness.store.directoryUsers(directory: "Corp")
        #expect(users.map(\.name) == ["ada@corp.com"])
        #expect(users.first?.displayName == "Ada Lovelace")
        #expect(users.first?.originApp == "okta")
    }

    @Test func listAndFilterAsOktaChecksExistence() throws {
        _ = try harness.createUser(#""userName":"ada@corp.com""#)
        _ = try harness.createUser(#""userName":"bob@corp.com""#)
        let found = harness.send("GET", "/Users", query: "filter=userName%20eq%20%22ADA%40corp.com%22&startIndex=1&count=100")
        #expect(found.status == 200)
        let list = try found.json()
        #expect(list["schemas"] == .array([.string("urn:ietf:params:scim:api:messages:2.0:ListResponse")]))
        #expect(list["totalResults"] == .number("1"))
        #expect(list["startIndex"] == .number("1"))
        #expect(list["itemsPerPage"] == .number("1"))
        #expect(list["Resources"]?.arrayValue?.first?["userName"] == .string("ada@corp.com"))
        // Entra encodes spaces as '+'.
        let none = try harness.send("GET", "/Users", query: "filter=userName+eq+%22carol%40corp.com%22").json()
        #expect(none["totalResults"] == .number("0"))
        #expect(none["Resources"] == .array([]))
    }

    @Test func listWithPagingAndAttributes() throws {
        for name in ["c", "a", "b"] { _ = try harness.createUser(#""userName":"\#(name)","title":"T""#) }
        let page = try harness.send("GET", "/Users", query: "sortBy=userName&startIndex=2&count=1&attributes=userName").json()
        #expect(page["totalResults"] == .number("3"))
        #expect(page["startIndex"] == .number("2"))
        #expect(page["itemsPerPage"] == .number("1"))
        let resource = try #require(page["Resources"]?.arrayValue?.first?.objectValue)
        #expect(resource.keys == ["schemas", "id", "userName"])
        #expect(resource["userName"] == .string("b"))
    }

    @Test func searchWithPost() throws {
        _ = try harness.createUser(#""userName":"ada@corp.com""#)
        _ = try harness.createUser(#""userName":"bob@corp.com""#)
        let response = harness.send(
            "POST",
            "/Users/.search",
            body: """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \\"b\\"","excludedAttributes":["meta"]}
                """
        )
        #expect(response.status == 200)
        let list = try response.json()
        #expect(list["totalResults"] == .number("1"))
        #expect(list["Resources"]?.arrayValue?.first?["userName"] == .string("bob@corp.com"))
        #expect(list["Resources"]?.arrayValue?.first?["meta"] == nil)
    }

    @Test func getWithAttributeProjection() throws {
        let id = try harness.createUser(#""userName":"ada@corp.com","name":{"givenName":"Ada","familyName":"L"}"#)
        let response = harness.send("GET", "/Users/\(id)", query: "excludedAttributes=name.familyName,meta")
        let user = try #require(try response.json().objectValue)
        #expect(user.keys == ["schemas", "id", "userName", "name"])
        #expect(user["name"] == .object(JSONObject([("givenName", .string("Ada"))])))
    }

    @Test func invalidFilterIsABadRequest() throws {
        let response = harness.send("GET", "/Users", query: "filter=userName%20eq")
        #expect(response.status == 400)
        #expect(try response.json()["scimType"] == .string("invalidFilter"))
    }

    @Test func failedPatchChangesNothing() throws {
        let id = try harness.createUser(#""userName":"ada@corp.com","title":"Engineer""#)
        let before = harness.send("GET", "/Users/\(id)")
        let response = harness.send(
            "PATCH",
            "/Users/\(id)",
            body: patchJSON(
                """
                [{"op":"replace","path":"title","value":"Changed"},{"op":"replace","path":"id","value":"other"}]
                """
            )
        )
        #expect(response.status == 400)
        #expect(try response.json()["scimType"] == .string("mutability"))
        let after = harness.send("GET", "/Users/\(id)")
        #expect(after.body == before.body)
        #expect(after.header("ETag") == #"W/"1""#)
    }

    @Test func patchErrorsCarryTheirScimType() throws {
        let id = try harness.createUser(#""userName":"ada@corp.com""#)
        let cases: [(String, String)] = [
            (#"[{"op":"remove"}]"#, "noTarget"),
            (#"[{"op":"replace","path":"emails[type eq","value":"x"}]"#, "invalidPath"),
            (#"[{"op":"replace","path":"active","value":"maybe"}]"#, "invalidValue"),
            (#"[{"op":"replace","path":"userName","value":""}]"#, "invalidValue"),
        ]
        for (operations, scimType) in cases {
            let response = harness.send("PATCH", "/Users/\(id)", body: patchJSON(operations))
            #expect(response.status == 400, "\(operations)")
            #expect(try response.json()["scimType"] == .string(scimType), "\(operations)")
        }
        #expect(harness.send("GET", "/Users/\(id)").header("ETag") == #"W/"1""#)
    }

    @Test func duplicateUserNameIsAConflict() throws {
        _ = try harness.createUser(#""userName":"ada@corp.com""#)
        let response = harness.send("POST", "/Users", body: userJSON(#""userName":"ADA@corp.com""#))
        #expect(response.status == 409)
        let body = try response.json()
        #expect(body["status"] == .string("409"))
        #expect(body["scimType"] == .string("uniqueness"))
        #expect(response.header("Content-Type") == "application/scim+json")
        #expect(try harness.send("GET", "/Users").json()["totalResults"] == .number("1"))
    }

    @Test func renamingOntoAnotherUsersNameIsAConflict() throws {
        _ = try harness.createUser(#""userName":"ada@corp.com""#)
        let bob = try harness.createUser(#""userName":"bob@corp.com""#)
        let response = harness.send("PATCH", "/Users/\(bob)", body: patchJSON(#"[{"op":"replace","path":"userName","value":"Ada@corp.com"}]"#))
        #expect(response.status == 409)
        #expect(try response.json()["scimType"] == .string("uniqueness"))
    }
}
