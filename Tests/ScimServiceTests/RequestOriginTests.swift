import DirectoryStore
import SCIM
import ScimService
import Testing

/// Request ids and hosts are client text: only safe ones reach headers, the audit and URLs.
@Suite struct RequestOriginTests {
    let harness: ServiceHarness

    init() throws {
        harness = try ServiceHarness()
    }

    private func get(requestID: String?, host: String? = ServiceHarness.host) -> ServiceResponse {
        harness.service.respond(
            to: ServiceRequest(
                method: "GET",
                path: ServiceHarness.base + "/Users",
                headers: RequestHeaders(authorization: "Bearer \(harness.token)", host: host, requestID: requestID)
            )
        )
    }

    @Test func aSafeRequestIdIsKept() {
        #expect(get(requestID: "entra-4f1c:2.b/x=+_").header("X-Request-Id") == "entra-4f1c:2.b/x=+_")
    }

    @Test(arguments: [nil, "", String(repeating: "x", count: 129), "a\r\nSet-Cookie: x", "a b", "é", "a;b"])
    func anUnsafeOrMissingRequestIdIsReplaced(offered: String?) {
        let made = get(requestID: offered).header("X-Request-Id") ?? ""
        #expect(made.hasPrefix("scimsync-") && made.utf8.count == 25, "\(made)")
    }

    @Test func madeRequestIdsAreNeverAlikeAndLookRandom() {
        let made = (0..<20_000).map { _ in get(requestID: nil).header("X-Request-Id") ?? "" }
        #expect(Set(made).count == made.count)
        let hexDigits = Set("0123456789abcdef".utf8)
        #expect(made.allSatisfy { $0.hasPrefix("scimsync-") && $0.utf8.dropFirst(9).allSatisfy(hexDigits.contains) })
        // Consecutive ids differ in about half their bits, not in the last digit only.
        let differing = zip(made, made.dropFirst()).map { pair in
            (UInt64(pair.0.dropFirst(9), radix: 16)! ^ UInt64(pair.1.dropFirst(9), radix: 16)!).nonzeroBitCount
        }
        #expect(differing.reduce(0, +) / differing.count >= 24)
    }

    @Test func theRefusalAuditNamesTheRequestIdTheServerMade() throws {
        _ = try harness.createUser(#""userName":"ada""#)
        let response = harness.service.respond(
            to: ServiceRequest(
                method: "POST",
                path: ServiceHarness.base + "/Users",
                headers: RequestHeaders(
                    authorization: "Bearer \(harness.token)",
                    contentType: "application/scim+json",
                    requestID: "bad id\r\n"
                ),
                body: .bytes(Array(userJSON(#""userName":"ADA""#).utf8))
            )
        )
        let made = try #require(response.header("X-Request-Id"))
        let entries = try harness.store.auditEntries(AuditQuery(app: "okta"))
        #expect(entries.allSatisfy { $0.requestId != "bad id\r\n" })
        #expect(response.status == 409)
        #expect(entries.contains { $0.requestId == made && $0.outcome == "refused" })
    }

    @Test func aConfiguredBaseURLWinsOverHost() throws {
        try harness.store.setAppBaseURL("okta", baseURL: "https://scim.example.org/", by: .test)
        let created = harness.send("POST", "/Users", body: userJSON(#""userName":"ada""#), host: "evil.example")
        #expect(created.status == 201)
        let location = try #require(created.header("Location"))
        #expect(location.hasPrefix("https://scim.example.org/scim/okta/v2/Users/"))
        #expect(try created.json()["meta"]?["location"] == .string(location))
        #expect(!created.text.contains("evil.example"))
    }

    @Test(arguments: ["javascript:alert(1)", "https://", "https://x.example/?q=1", "ftp://x.example", "https://a b"])
    func badBaseURLsAreRefused(url: String) {
        #expect(throws: StoreError.self) { try harness.store.setAppBaseURL("okta", baseURL: url, by: .test) }
    }

    @Test(arguments: ["evil.example/x", #"a"b"#, "a b", "x\u{1B}"])
    func anUnsafeHostIsNotPutIntoURLs(host: String) throws {
        let created = harness.send("POST", "/Users", body: userJSON(#""userName":"bob""#), host: host)
        #expect(created.header("Location")?.hasPrefix("https://localhost/") == true)
    }
}

@Suite struct ListByteBudgetTests {
    @Test func aPageStopsBeforeTheResourceThatWouldPassTheBudget() {
        var writer = ListResponseWriter(totalResults: 3, startIndex: 1)
        writer.limitBytes(to: 200)
        let big = JSONValue.object(JSONObject([("id", .string(String(repeating: "x", count: 120)))]))
        #expect(writer.appendResource { $0.write(big) })
        #expect(!writer.appendResource { $0.write(big) })
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(text.contains(#""itemsPerPage":1"#))
        #expect((try? JSONParser.parse(text)) != nil, "what was written stays valid JSON")
    }

    @Test func theFirstResourceIsAlwaysWritten() {
        var writer = ListResponseWriter(totalResults: 1, startIndex: 1)
        writer.limitBytes(to: 10)
        #expect(writer.appendResource { $0.write(.string(String(repeating: "y", count: 100))) })
    }
}
