import SCIM
import Testing

@Suite struct CaseInsensitiveEqualsTests {
    @Test(arguments: [
        ("userName", "USERNAME"), ("emails", "Emails"), ("", ""), ("a1-_.", "A1-_."),
        ("ÉMAILS", "émails"), ("straße", "STRAßE"), ("naïve", "NAÏVE"),
    ])
    func namesThatDifferInCaseAreEqual(mine: String, theirs: String) {
        #expect(mine.caseInsensitiveEquals(theirs))
        #expect(theirs.caseInsensitiveEquals(mine))
    }

    // Each pair differs by the bit that separates ASCII's cases, or only in length.
    @Test(arguments: [
        ("@", "`"), ("[", "{"), ("]", "}"), ("^", "~"), ("_", "\u{7F}"), ("1", "\u{11}"),
        ("name", "names"), ("name", "nam"), ("é", "É1"), ("é", "è"), ("userName", "userNamf"),
    ])
    func namesThatDifferOtherwiseAreNot(mine: String, theirs: String) {
        #expect(!mine.caseInsensitiveEquals(theirs))
        #expect(!theirs.caseInsensitiveEquals(mine))
    }

    /// The fast path agrees with comparing `lowercased()` strings for every pair of ASCII
    /// bytes (strings of equal length are the only ones it decides alone).
    @Test func agreesWithLowercasingForEveryPairOfASCIIBytes() {
        for first in UInt8(0)...0x7F {
            for second in UInt8(0)...0x7F {
                let mine = "x" + String(decoding: [first], as: UTF8.self)
                let theirs = "X" + String(decoding: [second], as: UTF8.self)
                #expect(mine.caseInsensitiveEquals(theirs) == (mine.lowercased() == theirs.lowercased()))
            }
        }
    }
}
