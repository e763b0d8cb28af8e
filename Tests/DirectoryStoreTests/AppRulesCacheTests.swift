import SCIM
import Testing

@testable import DirectoryStore
@testable import SyncRules

/// The rules of an app are parsed, and their regexes compiled, once per stored rules text.
@Suite struct AppRulesCacheTests {
    private static let corp = #"{"userSync":{"usernameTransform":{"pattern":"^([^@]+)@corp\\.com$","replacement":"$1"}}}"#
    private static let other = #"{"userSync":{"usernameTransform":{"pattern":"^([^@]+)@other\\.org$","replacement":"$1"}}}"#

    /// A cache and a parser that counts its calls.
    private final class Probe {
        let cache: AppRulesCache
        var parses = 0

        init(capacity: Int = 8) { cache = AppRulesCache(capacity: capacity) }

        func pattern(app: Int64, _ text: String) throws -> RegexPattern {
            let rules = try cache.rules(appID: app, text: text) { text in
                parses += 1
                return try RulesDocument.parse(text)
            }
            return try #require(try rules.userSync.usernameTransform?.compiled.get())
        }
    }

    @Test func theSameTextGivesTheSameCompiledPatternAndANewTextANewOne() throws {
        let probe = Probe()
        let first = try probe.pattern(app: 1, Self.corp)
        #expect(try probe.pattern(app: 1, Self.corp) === first)
        #expect(probe.parses == 1)
        let changed = try probe.pattern(app: 1, Self.other)
        #expect(changed !== first && changed.source == #"^([^@]+)@other\.org$"#)
        #expect(try probe.pattern(app: 1, Self.other) === changed)
        #expect(probe.parses == 2)
    }

    @Test func eachAppHasItsEntry() throws {
        let probe = Probe()
        let one = try probe.pattern(app: 1, Self.corp)
        let two = try probe.pattern(app: 2, Self.corp)
        #expect(one !== two)
        #expect(try probe.pattern(app: 1, Self.corp) === one)
        #expect(try probe.pattern(app: 2, Self.corp) === two)
        #expect(probe.parses == 2)
    }

    @Test func rulesThatDoNotParseAreNotKept() throws {
        let probe = Probe()
        let bad = #"{"userSync":{"usernameTransform":{"pattern":"([a-z","replacement":"$1"}}}"#
        #expect(throws: RuleProblems.self) { try probe.pattern(app: 1, bad) }
        #expect(throws: RuleProblems.self) { try probe.pattern(app: 1, bad) }
        #expect(probe.parses == 2)
    }

    @Test func pastItsCapacityTheLeastRecentlyUsedAppGoes() throws {
        let probe = Probe(capacity: 2)
        let one = try probe.pattern(app: 1, Self.corp)
        _ = try probe.pattern(app: 2, Self.corp)
        #expect(try probe.pattern(app: 1, Self.corp) === one)
        _ = try probe.pattern(app: 3, Self.corp)  // evicts app 2, used least recently
        #expect(try probe.pattern(app: 1, Self.corp) === one)
        #expect(probe.parses == 3)
        _ = try probe.pattern(app: 2, Self.corp)
        #expect(probe.parses == 4)
    }
}
