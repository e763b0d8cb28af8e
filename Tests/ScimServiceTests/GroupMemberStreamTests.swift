import DirectoryStore
import Foundation
import SCIM
import Testing

@testable import ScimService

/// A group past ``GroupMemberStream/threshold`` members read whole is streamed: the same bytes as
/// the answer built in memory, every member in it.
@Suite struct GroupMemberStreamTests {
    @Test func aLargeGroupStreamsTheBytesTheInMemoryAnswerWouldHave() throws {
        let harness = try ServiceHarness()
        let count = GroupMemberStream.threshold + 200
        for chunk in stride(from: 0, to: count, by: 600) {
            let operations = (chunk..<min(chunk + 600, count)).map { index in
                #"{"method":"POST","path":"/Users","bulkId":"u\#(index)","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"member\#(index)@example.com"}}"#
            }
            let bulk = harness.send(
                "POST",
                "/Bulk",
                body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[\#(operations.joined(separator: ","))]}"#
            )
            #expect(bulk.status == 200)
        }
        let created = harness.send(
            "POST",
            "/Groups",
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Everyone"}"#
        )
        let groupID = try #require(try created.json()["id"]?.stringValue)
        let appID = try #require(try harness.store.app(named: "okta")?.id)
        let users = try (0..<2).flatMap { page in
            try harness.store.scimUsers(
                appID: appID,
                query: ListQuery.parse(["count": "1000", "startIndex": "\(page * 1000 + 1)"], resourceType: .user)
            ).resources.map(\.id)
        }
        #expect(users.count == count)
        let add = users.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
        let patch = harness.send(
            "PATCH",
            "/Groups/\(groupID)",
            body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[\#(add)]}]}"#
        )
        #expect(patch.status == 204)

        let streamed = harness.send("GET", "/Groups/\(groupID)")
        #expect(streamed.status == 200)
        let stored = try #require(try harness.store.scimGroup(appID: appID, id: groupID))
        let baseURL = "https://\(ServiceHarness.host)\(ServiceHarness.base)"
        var expected = JSONWriter()
        ResourceRenderer.render(
            stored: stored.json,
            meta: stored.meta,
            location: "\(baseURL)/Groups/\(groupID)",
            extra: [
                (
                    "members",
                    .array(
                        try harness.store.scimGroupMembers(appID: appID, groupID: groupID).map {
                            ResourceResponder.reference($0, baseURL: baseURL, typed: true)
                        }
                    )
                )
            ],
            into: &expected
        )
        #expect(streamed.body == expected.bytes)
        #expect(try streamed.json()["members"]?.arrayValue?.count == count)
        #expect(streamed.header("ETag") == stored.meta.etag)
    }
}
