import Testing

@testable import SCIM

@Suite struct ResourceRendererTests {
    private let meta = ResourceMeta(resourceType: "User", created: "2026-12-02T05:00:00.000Z", lastModified: "2026-12-02T05:00:01.999Z", version: 7)

    private func rendered(_ stored: String, extra: [(key: String, value: JSONValue)] = [], projection: Projection = .identity) -> JSONObject? {
        var writer = JSONWriter()
        ResourceRenderer.render(
            stored: Array(stored.utf8),
            meta: meta,
            location: "https://scim.example/v2/Users/a\"b",
            extra: extra,
            projection: projection,
            into: &writer
        )
        return (try? JSONParser.parse(writer.bytes, limits: .stored))?.objectValue
    }

    @Test func metaWrittenInPlaceIsTheMetaObject() {
        var writer = JSONWriter()
        meta.write(location: "https://scim.example/v2/Users/\u{1}\\", into: &writer)
        #expect(writer.bytes == JSONWriter.serialize(meta.json(location: "https://scim.example/v2/Users/\u{1}\\")))
    }

    @Test(arguments: ["{}", "{ }", #"{"userName":"ann"}"#, #"{"userName":"ann","emails":[{"value":"a@b"}]}"#])
    func theStoredMembersComeFirstThenTheExtrasThenMeta(stored: String) throws {
        let object = try #require(rendered(stored, extra: [("groups", .array([.string("g")]))]))
        let original = try #require((try JSONParser.parse(Array(stored.utf8), limits: .stored)).objectValue)
        #expect(object.members.map(\.key) == original.members.map(\.key) + ["groups", "meta"])
        #expect(object["meta"] == meta.json(location: "https://scim.example/v2/Users/a\"b"))
        #expect(object["groups"] == .array([.string("g")]))
    }

    @Test func withoutExtrasMetaFollowsTheStoredMembers() throws {
        let object = try #require(rendered(#"{"userName":"ann"}"#))
        #expect(object.members.map(\.key) == ["userName", "meta"])
        #expect(try #require(rendered("{}")).members.map(\.key) == ["meta"])
    }
}
