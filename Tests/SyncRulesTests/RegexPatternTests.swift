import SCIM
import SyncRules
import Testing

/// The PCRE2 wrapper: the syntax admins wrote for ICU, ICU's templates, and the limits.
@Suite struct RegexPatternTests {
    private func replace(_ pattern: String, _ template: String, in name: String) throws -> String {
        try RegexPattern(pattern).replacingMatches(in: name, with: ReplacementTemplate(template))
    }

    @Test func capturesAndTheirReferences() throws {
        #expect(try replace(#"^([^@]+)@corp\.com$"#, "$1", in: "ada@corp.com") == "ada")
        #expect(try replace(#"^(\w+)-(\w+)$"#, "$2_$1", in: "eng-core") == "core_eng")
        #expect(try replace("^a$", "$0-x", in: "a") == "a-x")
        #expect(try RegexPattern("^(a)(?:b)(c)?$").captureCount == 2)
        // A group that took no part inserts nothing.
        #expect(try replace("^(a)(x)?$", "[$2]$1", in: "a") == "[]a")
    }

    @Test func templateEscapes() throws {
        #expect(try replace("^(a)$", #"\$1"#, in: "a") == "$1")
        #expect(try replace("^(a)$", #"\\$1"#, in: "a") == #"\a"#)
        #expect(try replace("^a$", "cost: $", in: "a") == "cost: $")
        #expect(try replace("^a$", "$x", in: "a") == "$x")
        #expect(ReplacementTemplate(#"$1\$2$10"#).groupReferences == [1, 10])
    }

    @Test func caseFoldingAndAnchors() throws {
        #expect(try RegexPattern("(?i)^eng$").matches("ENG"))
        #expect(try !RegexPattern("^eng$").matches("ENG"))
        #expect(try RegexPattern("eng").matches("platform-eng-core"))
        #expect(try !RegexPattern("^eng").matches("platform-eng"))
        #expect(try !RegexPattern("-test$").matches("eng-test-x"))
    }

    @Test func unicodeLettersAndCaseFolding() throws {
        #expect(try RegexPattern(#"^\w+$"#).matches("Łukasz"))
        #expect(try RegexPattern(#"^\w+$"#).matches("渡辺"))
        #expect(try RegexPattern("(?i)^ÉQUIPE$").matches("équipe"))
        #expect(try replace(#"^(\w+)\.(\w+)@"#, "$2, $1 <", in: "zoë.müller@corp.com") == "müller, zoë <corp.com")
        #expect(try replace("é", "e", in: "été") == "ete")
    }

    @Test func everyMatchIsReplacedAndEmptyMatchesAdvanceByACharacter() throws {
        #expect(try replace("-", "_", in: "a-b-c") == "a_b_c")
        #expect(try replace("^", "x-", in: "eng") == "x-eng")
        #expect(try replace("x*", "-", in: "abc") == "-a-b-c-")
        #expect(try replace("a*", "-", in: "baaac") == "-b--c-")
        #expect(try replace("x*", "-", in: "äö") == "-ä-ö-")
        #expect(try replace("x", "y", in: "") == "")
    }

    @Test func thePatternsOfTheRulesDocumentation() throws {
        #expect(try replace(#"^([^@]+)@corp\.com$"#, "$1", in: "grace@corp.com") == "grace")
        #expect(try replace(#"^([^@]+)@corp\.com$"#, "$1", in: "linus@contractor.io") == "linus@contractor.io")
        #expect(try RegexPattern("^test-").matches("test-sandbox"))
        #expect(try replace("^app-(.+)$", "$1", in: "app-jira") == "jira")
        #expect(try RegexPattern(#"\d{3}"#).matches("room-101"))
        #expect(try replace("^okta-", "", in: "okta-eng") == "eng")
    }

    @Test func aBadPatternSaysWhyAndWhereInPCRE2sWords() throws {
        let error = #expect(throws: RegexSyntaxError.self) { try RegexPattern("([a-z") }
        #expect(error?.message == "missing terminating ] for character class")
        #expect(error?.offset == 5)
        // The offset counts characters, not bytes.
        #expect((#expect(throws: RegexSyntaxError.self) { try RegexPattern("éé(") })?.offset == 3)
        let problem = try #require(RegexTransform.patternProblem("ab)"))
        #expect(problem == "'ab)' is not a valid regular expression: unmatched closing parenthesis at offset 2")
    }

    @Test func theCatastrophicPatternIsStoppedByALimitNotByTime() throws {
        let pattern = try RegexPattern("^(a|aa)+$")
        for length in [40, 10_000] {
            let name = String(repeating: "a", count: length) + "b"
            let clock = ContinuousClock()
            var error: RegexMatchError?
            let elapsed = clock.measure { error = #expect(throws: RegexMatchError.self) { try pattern.matches(name) } }
            #expect(error == .limit(.match), "\(length) characters")
            // Generous: it takes about a millisecond; a timing target belongs in a benchmark.
            #expect(elapsed < .seconds(1), "\(length) characters: \(elapsed)")
        }
        #expect(try pattern.matches(String(repeating: "a", count: 20)))
    }

    @Test func anUnanchoredPatternSharesTheLimitAmongStartPositions() throws {
        // Each start position costs less than PCRE2's own per-position limit would catch.
        let name = String(repeating: String(repeating: "a", count: 20) + "d", count: 400) + "c"
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: RegexMatchError.limit(.match)) { try RegexPattern("(a|aa)+c").matches(name) }
        }
        #expect(elapsed < .seconds(1), "\(elapsed)")
    }

    @Test func limitsNameThemselvesWithTheirValues() {
        #expect(RegexLimit.match.description == "the match limit (1000000 backtracking steps per name)")
        #expect(RegexLimit.depth.description == "the depth limit (10000 nested backtracking points)")
        #expect(RegexLimit.heap.description == "the heap limit (4096 KiB)")
        #expect(RegexMatchError.limit(.depth).description == "hit the depth limit (10000 nested backtracking points)")
    }

    @Test func whatOverflowsTheJITStackTheInterpreterFinishes() throws {
        // 100 repetitions of 20 nested groups overflow the JIT's 32 KiB stack, not the limits.
        let nested = try RegexPattern("^" + String(repeating: "(", count: 20) + "a" + String(repeating: ")", count: 20) + "*$")
        #expect(try nested.matches(String(repeating: "a", count: 100)))
        #expect(try !nested.matches(String(repeating: "a", count: 100) + "b"))
        #expect(try RegexPattern("^(a|b)*$").matches(String(repeating: "ab", count: 250)))
    }
}

/// A regex that hits a limit refuses the IdP's write with a SCIM error naming the rule.
@Suite struct RegexRefusalTests {
    private let catastrophic = RegexTransform(pattern: "^(a|aa)+$", replacement: "x")
    private let longName = String(repeating: "a", count: 10_000) + "b"

    @Test func usernameTransform() throws {
        var rules = UserSyncRules()
        rules.usernameTransform = catastrophic
        let user = try #require(try JSONParser.parse(#"{"userName":"\#(longName)"}"#).objectValue)
        let error = try #require(#expect(throws: RuleRefusal.self) { try rules.fields(for: user) })
        #expect(error.kind == .unusableValue)
        #expect(error.detail.hasPrefix("The sync rule userSync.usernameTransform could not be applied to userName 'aaaa"))
        #expect(error.detail.contains("(10001 characters): its regular expression hit the match limit (1000000 backtracking steps per name)"))
        #expect(error.detail.count < 400, "the name is quoted in part")
    }

    @Test func groupFilterAndNameTransform() throws {
        var rules = GroupSyncRules()
        rules.filter = GroupNameFilter(allow: ["^team-", "^(a|aa)+$"])
        let allow = #expect(throws: RuleRefusal.self) { try rules.directoryGroups(forIdPGroup: longName) }
        #expect(allow?.detail.contains("groupSync.filter.allow[1] could not be applied to displayName") == true)
        rules.filter = GroupNameFilter(deny: ["^(a|aa)+$"])
        let deny = #expect(throws: RuleRefusal.self) { try rules.directoryGroups(forIdPGroup: longName) }
        #expect(deny?.detail.contains("groupSync.filter.deny[0]") == true)
        rules.filter = GroupNameFilter()
        rules.nameTransform = catastrophic
        let transform = #expect(throws: RuleRefusal.self) { try rules.directoryGroups(forIdPGroup: longName) }
        #expect(transform?.detail.contains("groupSync.nameTransform") == true)
        #expect(transform?.kind == .unusableValue)
        #expect(try rules.directoryGroups(forIdPGroup: "aaaa") == ["x"])
    }
}
