import Foundation
import SCIM
import Testing

@testable import SyncRules

/// One rule for every directory name, whether the admin or an IdP (through the rules) writes it.
@Suite struct DirectoryNameTests {
    @Test func trimsTheSpacesAround() throws {
        #expect(try DirectoryName.validated("  Zoë Ångström ") == "Zoë Ångström")
    }

    /// The same as Foundation's `trimmingCharacters(in: .whitespaces)`, which it replaces.
    @Test(arguments: [
        "", " ", "\t", "a", " a ", "\ta b\t", "\u{A0}no-break\u{3000}", "\u{2003}em\u{202F}", "\n kept \n",
        "\u{200B}zero-width\u{200B}", "mid  dle", "👩🏽‍💻 ", " e\u{301}", "\u{1680}ogham\u{205F}", "\u{180E}mongolian\u{FEFF}",
    ])
    func trimsWhatFoundationTrims(name: String) {
        #expect(DirectoryName.trimmingWhitespace(name) == name.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: [
        ("", DirectoryName.Problem.empty),
        ("   ", .empty),
        ("a\u{1B}[31m", .invisibleCharacter(0x1B)),
        ("tab\there", .invisibleCharacter(0x09)),
        ("line\u{2028}break", .invisibleCharacter(0x2028)),
        ("gnp.exe\u{202E}", .invisibleCharacter(0x202E)),
        ("admin\u{200E}", .invisibleCharacter(0x200E)),
        ("c1\u{9B}2J", .invisibleCharacter(0x9B)),
        (String(repeating: "é", count: 201), .tooLong(characters: 201)),
    ])
    func refuses(name: String, problem: DirectoryName.Problem) {
        #expect(throws: problem) { try DirectoryName.validated(name) }
    }

    @Test func namesTheCharacterItRefuses() {
        #expect(DirectoryName.Problem.invisibleCharacter(0x1B).description == "must not contain control characters (it has U+001B)")
    }

    @Test func theLongestNameIsAllowed() throws {
        let longest = String(repeating: "é", count: DirectoryName.maxCharacters)
        #expect(try DirectoryName.validated(longest) == longest)
    }

    @Test func aTransformedUsernameIsCheckedLikeALocalName() throws {
        var rules = UserSyncRules()
        rules.usernameTransform = RegexTransform(pattern: "^(.*)$", replacement: "  $1\u{7}  ")
        let object = try #require(try JSONParser.parse(#"{"userName":"ada"}"#).objectValue)
        #expect(throws: RuleRefusal.self) { try rules.fields(for: object) }
        rules.usernameTransform = RegexTransform(pattern: "^(.*)$", replacement: "  $1  ")
        #expect(try rules.fields(for: object).username == "ada", "trimmed, as a local name is")
    }

    @Test func aTransformedGroupNameIsCheckedLikeALocalName() throws {
        var rules = GroupSyncRules()
        rules.nameTransform = RegexTransform(pattern: "^(.*)$", replacement: "$1\u{2029}")
        #expect(throws: RuleRefusal.self) { try rules.directoryGroups(forIdPGroup: "Eng") }
        rules.nameTransform = RegexTransform(pattern: "^Eng$", replacement: " ")
        #expect(try rules.directoryGroups(forIdPGroup: "Eng").isEmpty, "an empty name makes no group")
    }
}

/// The one folded key of names, in Swift as in SQL (`scim_fold`).
@Suite struct NameKeyTests {
    @Test func nfcAndNfdSpellingsAreOneName() {
        #expect("Jos\u{E9}".nameKey == "Jose\u{301}".nameKey)
        #expect(Array("Jose\u{301}".nameKey.utf8) == Array("josé".utf8), "the key is NFC")
    }

    @Test func foldsCaseFully() {
        #expect("Straße".nameKey == "STRASSE".nameKey)
        #expect("ÅNGSTRÖM".nameKey == "ångström")
        #expect("ADA".nameKey == "ada")
    }
}
