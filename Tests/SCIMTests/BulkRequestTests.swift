import SCIM
import TestSupport
import Testing

@Suite struct BulkRequestTests {
    private func parse(_ text: String, max: Int = 10) throws -> BulkRequest {
        try BulkRequest.parse(try json(text), maxOperations: max)
    }

    private let header = #""schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]"#

    @Test func readsOperations() throws {
        let request = try parse(
            #"{\#(header),"failOnErrors":1,"Operations":[{"method":"post","path":"/Users","bulkId":"a","data":{"userName":"x"}},{"method":"DELETE","path":"/Users/1","version":"W/\"2\""}]}"#
        )
        #expect(request.failOnErrors == 1)
        #expect(request.operations.map(\.method) == ["POST", "DELETE"])
        #expect(request.operations[0].path == "Users")
        #expect(request.operations[1].version == #"W/"2""#)
    }

    @Test func tooManyOperationsIs413TooMany() throws {
        let operation = #"{"method":"DELETE","path":"/Users/1"}"#
        do {
            _ = try parse(#"{\#(header),"Operations":[\#(operation),\#(operation),\#(operation)]}"#, max: 2)
            Issue.record("expected tooMany")
        } catch let error as ScimError {
            #expect(error.status == 413)
            #expect(error.scimType == .tooMany)
        }
    }

    @Test(arguments: [
        #"{"Operations":[]}"#,
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"GET","path":"/Users"}]}"#,
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","data":{}}]}"#,
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"PUT","path":"/Users/1"}]}"#,
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":0,"Operations":[]}"#,
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{}},{"method":"POST","path":"/Users","bulkId":"a","data":{}}]}"#,
    ])
    func refusesMalformedRequests(text: String) throws {
        #expect(throws: ScimError.self) { try BulkRequest.parse(try json(text), maxOperations: 10) }
    }

    @Test func substitutesReferencesInDataAndPaths() throws {
        let resolved = ["u1": "id-1", "g": "id-g"]
        let data = try json(#"{"members":[{"value":"bulkId:u1"}],"note":"plain"}"#)
        #expect(try BulkReferences.substitute(in: data, resolved) == json(#"{"members":[{"value":"id-1"}],"note":"plain"}"#))
        #expect(try BulkReferences.substitute(in: "Groups/bulkId:g", resolved) == "Groups/id-g")
        let path = try json(#"{"path":"members[value eq \"bulkId:u1\"]"}"#)
        #expect(try BulkReferences.substitute(in: path, resolved) == json(#"{"path":"members[value eq \"id-1\"]"}"#))
    }

    @Test(arguments: [
        ("bbulkId:u1", "bid-1"), ("x bulkId:u1 y", "x id-1 y"), ("bulkId", "bulkId"), ("bulkid:u1", "bulkid:u1"),
        ("", ""), ("b", "b"), ("é bulkId:u1", "é id-1"), ("bulkId:u1/bulkId:u1", "id-1/id-1"),
    ])
    func findsAReferenceAnywhereInAString(text: String, substituted: String) throws {
        #expect(try BulkReferences.substitute(in: JSONValue.string(text), ["u1": "id-1"]) == .string(substituted))
    }

    @Test func aDocumentWithoutReferencesComesBackAsItWas() throws {
        let data = try json(#"{"bulkId:u1":"a key is not a reference","emails":[{"value":"b@x","primary":true}],"n":null,"m":[[1,"bulkid:u1"]]}"#)
        #expect(try BulkReferences.substitute(in: data, ["u1": "id-1"]) == data)
        #expect(try BulkReferences.substitute(in: "Users/u1", ["u1": "id-1"]) == "Users/u1")
    }

    @Test func aReferenceDeepInNestedArraysIsFound() throws {
        let data = try json(#"{"a":[{"b":[["plain","bulkId:u1"]]}],"c":"plain"}"#)
        #expect(try BulkReferences.substitute(in: data, ["u1": "id-1"]) == json(#"{"a":[{"b":[["plain","id-1"]]}],"c":"plain"}"#))
    }

    @Test func unresolvedReferenceIs409() throws {
        do {
            _ = try BulkReferences.substitute(in: try json(#"{"value":"bulkId:nope"}"#), [:])
            Issue.record("expected an error")
        } catch let error as ScimError {
            #expect(error.status == 409)
        }
    }

    @Test(arguments: ["1e19", "1e400", "-1", "0", "1.5", "9223372036854775808"])
    func failOnErrorsOutsideAnIntegerIsRefusedNotTrapped(value: String) {
        let text = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":\#(value),"Operations":[]}"#
        #expect(throws: ScimError.self) { try BulkRequest.parse(try json(text), maxOperations: 10) }
    }
}
