import Foundation
import SCIM
import ScimService
import Testing

private func groupJSON(_ members: String) -> String {
    #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],\#(members)}"#
}

@Suite struct GroupsTests {
    let harness: ServiceHarness
    let alice: String
    let bob: String

    init() throws {
        harness = try ServiceHarness()
        alice = try harness.createUser(#""userName":"alice","displayName":"Alice A""#)
        bob = try harness.createUser(#""userName":"bob""#)
    }

    private func createGroup(_ name: String, members: [String] = []) throws -> String {
        let list = members.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
        let response = harness.send("POST", "/Groups", body: groupJSON(#""displayName":"\#(name)","members":[\#(list)]"#))
        #expect(response.status == 201)
        return try #require(try response.json()["id"]?.stringValue)
    }

    private func memberIDs(_ group: String) throws -> Set<String> {
        let members = try harness.send("GET", "/Groups/\(group)").json()["members"]?.arrayValue ?? []
        return Set(members.compactMap { $0["value"]?.stringValue })
    }

    @Test func membersReadBackWithTheDisplayWrittenAndNoOther() throws {
        let response = harness.send(
            "POST",
            "/Groups",
            body: groupJSON(#""displayName":"Eng","members":[{"value":"\#(alice)"},{"value":"\#(bob)","display":"Bobby"}]"#)
        )
        #expect(response.status == 201)
        let members = try #require(try response.json()["members"]?.arrayValue)
        let member = try #require(members.first { $0["value"] == .string(alice) })
        // Alice's displayName is "Alice A", but the client wrote no display for her.
        #expect(member["display"] == nil)
        #expect(members.first { $0["value"] == .string(bob) }?["display"] == .string("Bobby"))
        #expect(member["type"] == .string("User"))
        #expect(member["$ref"] == .string("https://\(ServiceHarness.host)/scim/okta/v2/Users/\(alice)"))
        #expect(response.header("Location")?.hasSuffix(try #require(try response.json()["id"]?.stringValue)) == true)
    }

    @Test func memberOnlyPatchAnswers204AndChangesRows() throws {
        let group = try createGroup("Eng", members: [alice])
        let response = harness.send(
            "PATCH",
            "/Groups/\(group)",
            body: patchJSON(
                #"""
                [{"op":"add","path":"members","value":[{"value":"\#(bob)"}]},
                 {"op":"remove","path":"members[value eq \"\#(alice)\"]"}]
                """#
            )
        )
        #expect(response.status == 204)
        #expect(response.header("ETag") == #"W/"2""#)
        #expect(try memberIDs(group) == [bob])
    }

    @Test func removeWithAValueIsRefusedOutsideEntraAndRenameWithIdIsAccepted() throws {
        let group = try createGroup("Eng", members: [alice, bob])
        let refused = harness.send(
            "PATCH",
            "/Groups/\(group)",
            body: patchJSON(#"[{"op":"remove","path":"members","value":[{"value":"\#(alice)"}]}]"#)
        )
        #expect(refused.status == 400)
        #expect(try refused.json()["scimType"] == .string("invalidSyntax"))
        #expect(try memberIDs(group) == [alice, bob])
        #expect(
            harness.send(
                "PATCH",
                "/Groups/\(group)",
                body: patchJSON(#"[{"op":"remove","path":"members[value eq \"\#(alice)\"]"}]"#)
            ).status == 204
        )
        let renamed = harness.send(
            "PATCH",
            "/Groups/\(group)",
            body: patchJSON(
                #"[{"op":"replace","value":{"id":"\#(group)","displayName":"Engineering"}}]"#
            )
        )
        #expect(renamed.status == 200)
        #expect(try renamed.json()["displayName"] == .string("Engineering"))
        #expect(try memberIDs(group) == [bob])
    }

    @Test func excludedMembersAreNotReturned() throws {
        let group = try createGroup("Eng", members: [alice])
        let response = harness.send("GET", "/Groups/\(group)", query: "excludedAttributes=members")
        #expect(response.status == 200)
        #expect(try response.json()["members"] == nil)
        #expect(try response.json()["displayName"] == .string("Eng"))
    }

    @Test func usersShowTheirGroups() throws {
        let group = try createGroup("Eng", members: [alice])
        let groups = try harness.send("GET", "/Users/\(alice)").json()["groups"]?.arrayValue
        #expect(groups?.first?["value"] == .string(group))
        #expect(groups?.first?["display"] == .string("Eng"))
        #expect(try harness.send("GET", "/Users/\(bob)").json()["groups"] == nil)
    }

    @Test func filterByMembershipUsesTheMemberTable() throws {
        let group = try createGroup("Eng", members: [alice])
        _ = try createGroup("Ops", members: [bob])
        let response = harness.send(
            "GET",
            "/Groups",
            query: "filter="
                + #"id eq "\#(group)" and members[value eq "\#(alice)"]"#
                .addingPercentEncodingForQuery + "&excludedAttributes=members"
        )
        #expect(try response.json()["totalResults"] == .number("1"))
        let none = harness.send(
            "GET",
            "/Groups",
            query: "filter=" + #"id eq "\#(group)" and members[value eq "\#(bob)"]"#.addingPercentEncodingForQuery
        )
        #expect(try none.json()["totalResults"] == .number("0"))
    }

    @Test func duplicateNameIgnoringCaseIs409() throws {
        _ = try createGroup("Eng")
        let response = harness.send("POST", "/Groups", body: groupJSON(#""displayName":"ENG""#))
        #expect(response.status == 409)
        #expect(try response.json()["scimType"] == .string("uniqueness"))
    }

    @Test func unknownMemberIsRefusedAndNothingChanges() throws {
        let group = try createGroup("Eng", members: [alice])
        let response = harness.send(
            "PATCH",
            "/Groups/\(group)",
            body: patchJSON(
                #"[{"op":"add","path":"members","value":[{"value":"\#(bob)"},{"value":"no-such-id"}]}]"#
            )
        )
        #expect(response.status == 400)
        #expect(try response.json()["scimType"] == .string("invalidValue"))
        #expect(try memberIDs(group) == [alice])
    }

    @Test func putReplacesMembers() throws {
        let group = try createGroup("Eng", members: [alice])
        let response = harness.send("PUT", "/Groups/\(group)", body: groupJSON(#""displayName":"Eng","members":[{"value":"\#(bob)"}]"#))
        #expect(response.status == 200)
        #expect(try memberIDs(group) == [bob])
    }

    @Test func deletingAUserRemovesItsMemberships() throws {
        let group = try createGroup("Eng", members: [alice, bob])
        #expect(harness.send("DELETE", "/Users/\(alice)").status == 204)
        #expect(try memberIDs(group) == [bob])
    }
}

@Suite struct BulkAndCursorTests {
    let harness: ServiceHarness

    init() throws {
        harness = try ServiceHarness()
    }

    @Test func bulkResolvesReferencesAndStopsAfterFailOnErrors() throws {
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":1,"Operations":[
             {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x1"}},
             {"method":"POST","path":"/Groups","bulkId":"g1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"bulkId:u1"}]}},
             {"method":"POST","path":"/Users","bulkId":"u2","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"X1"}},
             {"method":"POST","path":"/Users","bulkId":"u3","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x3"}}]}
            """#
        let response = harness.send("POST", "/Bulk", body: body)
        #expect(response.status == 200)
        let operations = try #require(try response.json()["Operations"]?.arrayValue)
        #expect(operations.map { $0["status"]?.stringValue } == ["201", "201", "409"])
        let group = try #require(operations[1]["location"]?.stringValue?.split(separator: "/").last.map(String.init))
        let members = try harness.send("GET", "/Groups/\(group)").json()["members"]?.arrayValue
        #expect(members?.count == 1)
        let filter = #"userName eq "x3""#.addingPercentEncodingForQuery
        #expect(try harness.send("GET", "/Users", query: "filter=\(filter)").json()["totalResults"] == .number("0"))
    }

    /// User creates without references are prepared before the transaction: each is still
    /// answered in its place, a bad one fails alone, and a create that mentions a `bulkId:` gets
    /// the id its reference resolved to.
    @Test func bulkUserCreatesAnswerInOrderWhetherPreparedAheadOrNot() throws {
        let user = "urn:ietf:params:scim:schemas:core:2.0:User"
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
             {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["\#(user)"],"userName":5}},
             {"method":"POST","path":"/Users","bulkId":"u2","data":{"schemas":["\#(user)"],"userName":"y2"}},
             {"method":"POST","path":"/Users","bulkId":"u3","data":{"schemas":["\#(user)"],"userName":"y3","externalId":"bulkId:u2"}},
             {"method":"POST","path":"/Users","bulkId":"u4","data":{"schemas":["\#(user)"],"userName":"Y2"}}]}
            """#
        let response = harness.send("POST", "/Bulk", body: body)
        #expect(response.status == 200)
        let operations = try #require(try response.json()["Operations"]?.arrayValue)
        #expect(operations.map { $0["status"]?.stringValue } == ["400", "201", "201", "409"])
        let ids = operations.map { $0["location"]?.stringValue?.split(separator: "/").last.map(String.init) }
        let second = try #require(ids[1])
        let third = try #require(ids[2])
        let created = try harness.send("GET", "/Users/\(second)").json()
        #expect(created["id"]?.stringValue == second)
        #expect(created["userName"]?.stringValue == "y2")
        #expect(try harness.send("GET", "/Users/\(third)").json()["externalId"]?.stringValue == second)
    }

    @Test func cursorPagesVisitEveryUserOnce() throws {
        var created: Set<String> = []
        for index in 0..<7 { created.insert(try harness.createUser(#""userName":"user\#(index)""#)) }
        var seen: [String] = []
        var cursor = ""
        for _ in 0..<10 {
            let page = try harness.send("GET", "/Users", query: "count=3&cursor=\(cursor)").json()
            #expect(page["startIndex"] == nil)
            seen += (page["Resources"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            guard let next = page["nextCursor"]?.stringValue else { break }
            cursor = next
        }
        #expect(seen.count == 7)
        #expect(Set(seen) == created)
    }

    @Test func serviceProviderConfigAdvertisesWhatIsServed() throws {
        let config = try harness.send("GET", "/ServiceProviderConfig").json()
        #expect(config["bulk"]?["supported"] == .bool(true))
        #expect(config["pagination"]?["cursor"] == .bool(true))
        // Optional in RFC 7643 §5, and there is no documentation site for it to name.
        #expect(config["documentationUri"] == nil)
        let types = try harness.send("GET", "/ResourceTypes").json()["Resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(types == ["User", "Group"])
    }
}

extension String {
    /// Percent-encodes a query parameter value.
    var addingPercentEncodingForQuery: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
