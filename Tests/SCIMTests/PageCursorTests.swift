import SCIM
import Testing

@Suite struct PageCursorTests {
    @Test func roundTrips() throws {
        for cursor in [PageCursor.first, .after(key: 42), .offset(300)] {
            #expect(try PageCursor.parse(cursor.text) == cursor)
        }
    }

    @Test(arguments: ["x", "k", "k-1", "o1.5", "kabc"])
    func foreignCursorIsInvalidCursor(text: String) {
        do {
            _ = try PageCursor.parse(text)
            Issue.record("expected invalidCursor for \(text)")
        } catch {
            #expect(error.scimType == .invalidCursor)
        }
    }

    @Test func cursorAndStartIndexExcludeEachOther() {
        #expect(throws: ScimError.self) { try ListQuery.parse(["cursor": "", "startIndex": "1"], resourceType: .user) }
    }

    @Test func listResponseOmitsStartIndexForCursorPaging() throws {
        var writer = ListResponseWriter(totalResults: 3, query: try ListQuery.parse(["cursor": ""], resourceType: .user))
        _ = writer.appendResource { $0.appendRaw("{}") }
        let document = try JSONParser.parse(writer.finish(nextCursor: "k7"))
        #expect(document["startIndex"] == nil)
        #expect(document["nextCursor"] == .string("k7"))
        #expect(document["itemsPerPage"] == .number("1"))
    }
}
