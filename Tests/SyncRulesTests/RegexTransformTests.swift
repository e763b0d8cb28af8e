import SyncRules
import Testing

@Suite struct RegexTransformTests {
    @Test func soundTransformsHaveNoProblem() {
        #expect(RegexTransform(pattern: #"^([^@]+)@corp\.com$"#, replacement: "$1").problem() == nil)
        #expect(RegexTransform(pattern: "^(a)(b)$", replacement: "$2$1").problem() == nil)
        #expect(RegexTransform(pattern: "^a$", replacement: "$0-x").problem() == nil)
        #expect(RegexTransform(pattern: "^a$", replacement: "").problem() == nil)
        #expect(RegexTransform(pattern: "^a$", replacement: "$").problem() == nil)
    }

    @Test func badPattern() throws {
        let problem = try #require(RegexTransform(pattern: "([a-z", replacement: "$1").problem())
        #expect(problem.contains("not a valid regular expression"))
        #expect(problem.contains("([a-z"))
        #expect(RegexTransform.patternProblem("([a-z") == problem)
        #expect(RegexTransform.patternProblem("*") != nil)
        #expect(RegexTransform.patternProblem("^ok$") == nil)
    }

    @Test func emptyPattern() {
        #expect(RegexTransform.patternProblem("") == "the pattern is empty")
        #expect(RegexTransform(pattern: "", replacement: "x").problem() == "the pattern is empty")
    }

    @Test func referenceToAMissingGroup() throws {
        let problem = try #require(RegexTransform(pattern: "^(a)b$", replacement: "$2").problem())
        #expect(problem == "the replacement refers to group $2, but the pattern has 1 capture group(s)")
        let none = try #require(RegexTransform(pattern: "^ab$", replacement: "x$1").problem())
        #expect(none.contains("$1") && none.contains("0 capture group"))
    }

    @Test func nonCapturingGroupsDoNotCount() {
        #expect(RegexTransform(pattern: "^(?:a)(b)$", replacement: "$2").problem() != nil)
        #expect(RegexTransform(pattern: "^(?:a)(b)$", replacement: "$1").problem() == nil)
    }

    @Test func escapedDollarIsALiteral() {
        #expect(RegexTransform(pattern: "^(a)$", replacement: #"\$2"#).problem() == nil)
        #expect(RegexTransform(pattern: "^a$", replacement: #"cost: \$9"#).problem() == nil)
        // An escaped backslash does not escape the dollar after it.
        #expect(RegexTransform(pattern: "^(a)$", replacement: #"\\$2"#).problem() != nil)
    }

    @Test func applyReplacesWithGroups() throws {
        let transform = RegexTransform(pattern: #"^([^@]+)@corp\.com$"#, replacement: "$1")
        #expect(try transform.apply(to: "ada@corp.com") == "ada")
        #expect(try transform.apply(to: "ada@other.org") == "ada@other.org")
        #expect(try RegexTransform(pattern: "^(\\w+)-(\\w+)$", replacement: "$2_$1").apply(to: "eng-core") == "core_eng")
    }

    @Test func applyReplacesEveryMatch() throws {
        #expect(try RegexTransform(pattern: "-", replacement: "_").apply(to: "a-b-c") == "a_b_c")
    }

    @Test func applyKeepsAnEscapedDollar() throws {
        #expect(try RegexTransform(pattern: "^(a)$", replacement: #"\$1"#).apply(to: "a") == "$1")
    }

    @Test func applyWithAnInvalidPatternKeepsTheName() throws {
        #expect(try RegexTransform(pattern: "([a-z", replacement: "x").apply(to: "abc") == "abc")
    }
}
