import DirectoryStore
import SCIM
import ScimService
import Testing

@Suite struct AuthenticationTests {
    let harness: ServiceHarness
    init() throws { harness = try ServiceHarness() }

    private func expectChallenge(_ response: ServiceResponse, _ comment: Comment? = nil) throws {
        #expect(response.status == 401, comment)
        #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true, comment)
        #expect(try response.json()["status"] == .string("401"), comment)
    }

    @Test func missingTokenIsChallenged() throws {
        try expectChallenge(harness.send("GET", "/Users", useToken: false))
    }

    @Test func wrongTokenIsChallenged() throws {
        try expectChallenge(harness.send("GET", "/Users", authorization: "Bearer scs_not-a-real-token"))
        try expectChallenge(harness.send("GET", "/Users", authorization: "Bearer \(harness.token)x"))
        try expectChallenge(harness.send("GET", "/Users", authorization: "Basic dXNlcjpwYXNz"))
        try expectChallenge(harness.send("GET", "/Users", authorization: "Bearer"))
    }

    @Test func anotherAppsTokenIsChallenged() throws {
        try expectChallenge(harness.send("GET", "/Users", authorization: "Bearer \(harness.otherToken)"))
        // ... while it opens its own app.
        #expect(harness.send("GET", "!/scim/entra/v2/Users", authorization: "Bearer \(harness.otherToken)").status == 200)
    }

    @Test func bearerSchemeIgnoresCase() {
        #expect(harness.send("GET", "/Users", authorization: "bearer \(harness.token)").status == 200)
    }

    @Test func writesAndUnknownIdsAreChallengedBeforeAnythingElse() throws {
        try expectChallenge(harness.send("POST", "/Users", body: userJSON(#""userName":"x""#), useToken: false))
        try expectChallenge(harness.send("GET", "/Users/nope", useToken: false))
        try expectChallenge(harness.send("DELETE", "/Users/nope", useToken: false))
        #expect(try harness.send("GET", "/Users").json()["totalResults"] == .number("0"))
    }

    @Test func disabledAppIsChallenged() throws {
        try harness.store.setAppEnabled("okta", enabled: false, by: .test)
        try expectChallenge(harness.send("GET", "/Users"))
    }

    @Test func revokedTokenIsChallenged() throws {
        try harness.store.revokeTokens(app: "okta", tokenID: nil, by: .test)
        try expectChallenge(harness.send("GET", "/Users"))
    }
}

@Suite struct RequestErrorTests {
    let harness: ServiceHarness
    init() throws { harness = try ServiceHarness() }

    @Test func wrongContentTypeIsUnsupported() throws {
        let response = harness.send("POST", "/Users", body: userJSON(#""userName":"ada""#), contentType: "text/plain")
        #expect(response.status == 415)
        #expect(try response.json()["status"] == .string("415"))
        #expect(harness.send("PATCH", "/Users/x", body: patchJSON("[]"), contentType: "application/xml").status == 415)
        #expect(try harness.send("GET", "/Users").json()["totalResults"] == .number("0"))
    }

    @Test func jsonContentTypesAreAccepted() {
        #expect(harness.send("POST", "/Users", body: userJSON(#""userName":"a""#), contentType: "application/json").status == 201)
        #expect(harness.send("POST", "/Users", body: userJSON(#""userName":"b""#), contentType: "application/scim+json; charset=utf-8").status == 201)
        #expect(harness.send("POST", "/Users", body: userJSON(#""userName":"c""#), contentType: "Application/SCIM+JSON").status == 201)
    }

    @Test(arguments: [#"{"schemas":"#, "not json", #"{"userName":"a"} x"#, "[1,]"])
    func malformedJSONIsInvalidSyntax(body: String) throws {
        let response = harness.send("POST", "/Users", body: body)
        #expect(response.status == 400)
        #expect(try response.json()["scimType"] == .string("invalidSyntax"))
    }

    @Test func invalidUTF8IsInvalidSyntax() throws {
        let response = harness.send("POST", "/Users", rawBody: .bytes([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]))
        #expect(response.status == 400)
        #expect(try response.json()["scimType"] == .string("invalidSyntax"))
    }

    @Test func emptyBodyIsInvalidSyntax() throws {
        for method in ["POST", "PUT", "PATCH"] {
            let response = harness.send(method, method == "POST" ? "/Users" : "/Users/x", rawBody: .bytes([]))
            #expect(response.status == 400, "\(method)")
            #expect(try response.json()["scimType"] == .string("invalidSyntax"), "\(method)")
        }
    }

    @Test func tooLargeBodyIs413() throws {
        let response = harness.send("POST", "/Users", rawBody: .tooLarge(limit: 1024))
        #expect(response.status == 413)
        let body = try response.json()
        #expect(body["status"] == .string("413"))
        #expect(body["detail"]?.stringValue?.contains("1024") == true)
        #expect(harness.send("PUT", "/Users/x", rawBody: .tooLarge(limit: 1024)).status == 413)
    }

    @Test func unknownIdIsNotFound() throws {
        for method in ["GET", "DELETE"] {
            let response = harness.send(method, "/Users/2819c223-7f76-453a-919d-413861904646")
            #expect(response.status == 404, "\(method)")
            #expect(try response.json()["status"] == .string("404"), "\(method)")
        }
        #expect(harness.send("PUT", "/Users/nope", body: userJSON(#""userName":"x""#)).status == 404)
        #expect(harness.send("PATCH", "/Users/nope", body: patchJSON(#"[{"op":"add","path":"title","value":"x"}]"#)).status == 404)
    }

    @Test func anotherAppsUserIsNotFound() throws {
        let id = try harness.createUser(#""userName":"ada""#)
        let response = harness.send("GET", "!/scim/entra/v2/Users/\(id)", authorization: "Bearer \(harness.otherToken)")
        #expect(response.status == 404)
        #expect(harness.send("DELETE", "!/scim/entra/v2/Users/\(id)", authorization: "Bearer \(harness.otherToken)").status == 404)
        #expect(harness.send("GET", "/Users/\(id)").status == 200)
    }

    @Test(arguments: ["!/elsewhere", "!/scim/okta", "!/scim/okta/v1/Users", "/Foo", "/", "/Users/a/b"])
    func unknownPathIsNotFound(path: String) throws {
        let response = harness.send("GET", path)
        #expect(response.status == 404)
        #expect(try response.json()["status"] == .string("404"))
    }

    @Test func unsupportedMethodIsNotAllowed() {
        #expect(harness.send("DELETE", "/Users").status == 405)
        #expect(harness.send("POST", "/Users/abc", body: userJSON(#""userName":"x""#)).status == 405)
    }
}

@Suite struct ConditionalRequestTests {
    let harness: ServiceHarness
    let id: String
    init() throws {
        harness = try ServiceHarness()
        id = try harness.createUser(#""userName":"ada@corp.com""#)
    }

    @Test func ifNoneMatchWithTheCurrentTagIsNotModified() {
        let response = harness.send("GET", "/Users/\(id)", ifNoneMatch: #"W/"1""#)
        #expect(response.status == 304)
        #expect(response.body.isEmpty)
        #expect(response.header("ETag") == #"W/"1""#)
        #expect(harness.send("GET", "/Users/\(id)", ifNoneMatch: "*").status == 304)
        #expect(harness.send("GET", "/Users/\(id)", ifNoneMatch: #"W/"0", W/"1""#).status == 304)
    }

    @Test func ifNoneMatchWithAnOldTagReturnsTheResource() throws {
        let response = harness.send("GET", "/Users/\(id)", ifNoneMatch: #"W/"0""#)
        #expect(response.status == 200)
        #expect(try response.json()["id"] == .string(id))
    }

    @Test func ifMatchMismatchIsPreconditionFailed() throws {
        let put = harness.send("PUT", "/Users/\(id)", body: userJSON(#""userName":"changed""#), ifMatch: #"W/"9""#)
        #expect(put.status == 412)
        #expect(try put.json()["status"] == .string("412"))
        let patch = harness.send("PATCH", "/Users/\(id)", body: patchJSON(#"[{"op":"add","path":"title","value":"x"}]"#), ifMatch: #"W/"9""#)
        #expect(patch.status == 412)
        #expect(harness.send("DELETE", "/Users/\(id)", ifMatch: #"W/"9""#).status == 412)
        let unchanged = harness.send("GET", "/Users/\(id)")
        #expect(unchanged.header("ETag") == #"W/"1""#)
        #expect(try unchanged.json()["userName"] == .string("ada@corp.com"))
    }

    @Test func ifMatchWithTheCurrentTagSucceeds() {
        let put = harness.send("PUT", "/Users/\(id)", body: userJSON(#""userName":"changed""#), ifMatch: #"W/"1""#)
        #expect(put.status == 200)
        #expect(put.header("ETag") == #"W/"2""#)
        #expect(harness.send("DELETE", "/Users/\(id)", ifMatch: #"W/"2""#).status == 204)
    }
}

@Suite struct LocationTests {
    let harness: ServiceHarness
    init() throws { harness = try ServiceHarness() }

    @Test func locationFollowsSchemeAndHost() throws {
        let response = harness.send("POST", "/Users", body: userJSON(#""userName":"ada""#), scheme: "http", host: "idp-facing.example.org")
        let id = try #require(try response.json()["id"]?.stringValue)
        let expected = "http://idp-facing.example.org/scim/okta/v2/Users/\(id)"
        #expect(response.header("Location") == expected)
        #expect(try response.json()["meta"]?["location"] == .string(expected))
        let viaTLS = harness.send("GET", "/Users/\(id)", scheme: "https", host: "scim.example.com:8443")
        #expect(try viaTLS.json()["meta"]?["location"] == .string("https://scim.example.com:8443/scim/okta/v2/Users/\(id)"))
        let listed = try harness.send("GET", "/Users", scheme: "https", host: "other.example.com").json()
        #expect(listed["Resources"]?.arrayValue?.first?["meta"]?["location"] == .string("https://other.example.com/scim/okta/v2/Users/\(id)"))
    }

    @Test func discoveryLocationsFollowTheBaseURL() throws {
        let config = harness.send("GET", "/ServiceProviderConfig")
        #expect(config.status == 200)
        #expect(try config.json()["meta"]?["location"] == .string("https://scim.example.com:8443/scim/okta/v2/ServiceProviderConfig"))
        #expect(try config.json()["patch"]?["supported"] == .bool(true))
    }
}
