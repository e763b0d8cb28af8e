import DirectoryStore
import Foundation
import SCIM
import ScimService
import Testing

/// No request makes a stored resource, or the memory of a page that holds it, grow without end.
@Suite struct ResourceSizeTests {
    private func emails(_ prefix: String, _ count: Int) -> String {
        (0..<count).map { #"{"value":"\#(prefix)-\#($0)-\#(String(repeating: "x", count: 60))@example.com"}"# }.joined(separator: ",")
    }

    @Test func patchAddAfterAddStopsAtTheResourceLimitAndChangesNothing() throws {
        let harness = try ServiceHarness()
        let created = harness.send(
            "POST",
            "/Users",
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grows@example.com"}"#
        )
        let id = try #require(try created.json()["id"]?.stringValue)
        var refused: ServiceResponse?
        for round in 0..<20 {
            let patch = harness.send(
                "PATCH",
                "/Users/\(id)",
                body:
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"emails","value":[\#(emails("r" + String(round), 5_000))]}]}"#
            )
            if patch.status != 200 {
                refused = patch
                break
            }
        }
        let answer = try #require(refused, "20 PATCHes of 5,000 emails each were all stored")
        #expect(answer.status == 400)
        let detail = try #require(try answer.json()["detail"]?.stringValue)
        #expect(detail.contains("(limit resourceMaxBytes = 1048576)"), "\(detail)")
        let stored = harness.send("GET", "/Users/\(id)")
        #expect(stored.body.count <= ScimLimit.resourceBytes.value + 4096)
    }

    @Test func aPageOfLargeUsersStopsAtTheListBudgetAndSaysWhereToGoOn() throws {
        let harness = try ServiceHarness()
        for index in 0..<8 {
            let created = harness.send(
                "POST",
                "/Users",
                body:
                    #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"big\#(index)@example.com","emails":[\#(emails("u" + String(index), 8_000))]}"#
            )
            #expect(created.status == 201)
        }
        // The store stops reading rows at the budget too: a page of large users is not all in memory.
        let appID = try #require(try harness.store.app(named: "okta")?.id)
        let stored = try harness.store.scimUsers(appID: appID, query: ListQuery.parse(["count": "1000"], resourceType: .user))
        #expect((1..<8).contains(stored.resources.count))
        #expect(stored.totalResults == 8)
        let page = try harness.send("GET", "/Users", query: "count=1000").json()
        let shown = try #require(page["Resources"]?.arrayValue?.count)
        #expect((1..<8).contains(shown), "about 700 KB each: the 4 MiB budget holds some, not all")
        #expect(page["itemsPerPage"] == .number(String(shown)))
        #expect(page["totalResults"] == .number("8"))
        let cursorPage = try harness.send("GET", "/Users", query: "count=1000&cursor").json()
        #expect(cursorPage["nextCursor"]?.stringValue != nil)
        #expect(cursorPage["totalResults"] == .number("8"))
    }
}
