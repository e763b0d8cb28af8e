import DirectoryStore
import Testing

@testable import CrowdService

@Suite struct CrowdQueryLanguageTests {
    @Test func comparisonsTakeTheirMatchModeFromTheirWildcards() throws {
        #expect(try CrowdQueryLanguage.parse("email = \"a@example.com\"") == .property(name: "email", mode: .exactlyMatches, value: "a@example.com"))
        #expect(try CrowdQueryLanguage.parse("name = bo*") == .property(name: "name", mode: .startsWith, value: "bo"))
        #expect(try CrowdQueryLanguage.parse("name = \"*ob*\"") == .property(name: "name", mode: .contains, value: "ob"))
        #expect(try CrowdQueryLanguage.parse("email IS NULL") == .property(name: "email", mode: .null, value: nil))
        #expect(try CrowdQueryLanguage.parse("  ") == .all)
    }

    @Test func andBindsTighterThanOrAndParenthesesGroup() throws {
        let a = CrowdRestriction.property(name: "name", mode: .exactlyMatches, value: "a")
        let b = CrowdRestriction.property(name: "name", mode: .exactlyMatches, value: "b")
        let c = CrowdRestriction.property(name: "active", mode: .exactlyMatches, value: "true")
        #expect(try CrowdQueryLanguage.parse("name = a or name = b and active = true") == .or([a, .and([b, c])]))
        #expect(try CrowdQueryLanguage.parse("(name = a OR name = b) AND active = true") == .and([.or([a, b]), c]))
    }

    @Test func quotedValuesKeepSpacesAndEscapes() throws {
        #expect(
            try CrowdQueryLanguage.parse(#"displayName = "Ann \"The\" Lee""#)
                == .property(name: "displayName", mode: .exactlyMatches, value: #"Ann "The" Lee"#)
        )
    }

    @Test(arguments: ["name =", "name a", "(name = a", "name = a)", "= a", "name = \"open", "name = a and"])
    func malformedRestrictionsAreIllegalArguments(text: String) {
        #expect(throws: CrowdError.self) { try CrowdQueryLanguage.parse(text) }
    }

    @Test func hostileRestrictionsMeetTheirLimits() {
        let deep = String(repeating: "(", count: 100) + "name = a" + String(repeating: ")", count: 100)
        #expect(throws: CrowdError.self) { try CrowdQueryLanguage.parse(deep) }
        let wide = (0..<51).map { "name = u\($0)" }.joined(separator: " or ")
        #expect(throws: CrowdError.self) { try CrowdQueryLanguage.parse(wide) }
        #expect(throws: CrowdError.self) { try CrowdQueryLanguage.parse(String(repeating: "a", count: 5_000)) }
    }
}
