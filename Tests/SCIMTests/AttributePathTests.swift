import SCIM
import Testing

/// Attribute paths are the request text closest to SQL: only RFC 7643 names and URNs of a safe
/// alphabet get through, judged byte by byte.
@Suite struct AttributePathTests {
    @Test(arguments: [
        "userName", "name.givenName", "emails", "x-custom_1", "members.$ref", "$ref",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "urn:ietf:params:scim:schemas:extension:custom:2.0:User:badge-id",
    ])
    func acceptsNamesOfTheGrammar(text: String) throws {
        #expect(throws: Never.self) { try AttributePath.parse(text) }
    }

    @Test(arguments: [
        "", ".", "name.", ".name", "a.b.c", "1abc", "_abc", "-abc", "na me", "name'", "name\"", "name]",
        "ne\u{301}", "e\u{301}'", "n\u{301}'ame", "naïve", "名前", "title\u{0}", "title\u{202E}", "user$Name",
        "urn:evil'):title", "urn:x\"y:title", "urn::title", "urn:a b:title", "urn:ietf:é:title",
    ])
    func refusesEverythingElse(text: String) {
        let error = #expect(throws: ScimError.self) { try AttributePath.parse(text) }
        #expect(error?.scimType == .invalidPath)
    }

    @Test func aKnownSchemaIsSpelledAsPublished() throws {
        let path = try AttributePath.parse("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:department")
        #expect(path.schema == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        #expect(path.name == "department")
    }

    @Test func refusesPathsLongerThanTheLimit() {
        let long = "urn:" + String(repeating: "a", count: AttributePath.maxLength) + ":title"
        #expect(throws: ScimError.self) { try AttributePath.parse(long) }
    }

    @Test func errorDetailsQuoteAtMostSixtyFourCharacters() {
        let long = String(repeating: "'", count: 400)
        let error = #expect(throws: ScimError.self) { try AttributePath.parse(long) }
        #expect((error?.detail.count ?? 1000) < 120)
        #expect(error?.detail.contains("400 bytes") == true)
    }
}
