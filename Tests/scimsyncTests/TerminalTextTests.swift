import DirectoryStore
import Foundation
import Testing

@testable import scimsync

@Suite struct TerminalTextTests {
    @Test func everyControlCharacterIsWrittenVisibly() {
        #expect(TerminalText.escaped("a\u{1B}[31mred\u{1B}[0m") == #"a\u{1B}[31mred\u{1B}[0m"#)
        #expect(TerminalText.escaped("\u{0}\u{7}\u{8}\t\n\r\u{1F}") == #"\u{0}\u{7}\u{8}\u{9}\u{A}\u{D}\u{1F}"#)
        #expect(TerminalText.escaped("del\u{7F}") == #"del\u{7F}"#)
        #expect(TerminalText.escaped("\u{80}\u{9B}31m\u{9F}") == #"\u{80}\u{9B}31m\u{9F}"#)
        #expect(TerminalText.escaped("line\u{2028}paragraph\u{2029}") == #"line\u{2028}paragraph\u{2029}"#)
    }

    @Test func everyBidirectionalFormattingCharacterIsWrittenVisibly() {
        let controls: [UInt32] = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
        for value in controls {
            let scalar = Unicode.Scalar(value)!
            #expect(TerminalText.escaped("x\(Character(scalar))y") == "x\\u{\(String(value, radix: 16, uppercase: true))}y")
        }
    }

    @Test func printableTextIsUnchanged() {
        for text in ["alice@example.com", "Zoë Ångström", "日本語 ユーザー", "👩🏽‍💻 dev", "C:\\path\\u{1B}", "tab-less  spaces", ""] {
            #expect(TerminalText.escaped(text) == text)
        }
    }

    @Test func escapingTwiceChangesNothingMore() {
        let once = TerminalText.escaped("\u{1B}]8;;http://evil\u{7}link\u{202E}")
        #expect(TerminalText.escaped(once) == once)
        #expect(!once.unicodeScalars.contains(where: TerminalText.needsEscaping))
    }

    @Test func interpolatedValuesAreEscapedAndLiteralsKept() {
        let name = "eve\u{1B}[2K"
        let text: TerminalText = "Created user '\(name)'\nin \(3) groups"
        #expect(text.description == "Created user 'eve\\u{1B}[2K'\nin 3 groups")
        let problems: TerminalText = "refused:\(eachOnALine: ["/apps/0: bad\u{9B}", "/x: ok"])"
        #expect(problems.description == "refused:\n  /apps/0: bad\\u{9B}\n  /x: ok")
    }

    @Test func commandFailuresEscapeWhatTheyQuote() {
        let failure = CommandFailure(message: "key '\("\u{1B}[8m")' is unknown")
        #expect(failure.description == #"key '\u{1B}[8m' is unknown"#)
    }

    @Test func tableCellsAreEscapedAndAlignedOnTheEscapedText() {
        let lines = Output.aligned([["NAME", "FROM"], ["a\u{1B}b", "okta"], ["plain", ""]])
        #expect(lines == ["NAME      FROM", #"a\u{1B}b  okta"#, "plain"])
    }

    @Test func jsonKeepsItsValuesAndLosesRawControls() throws {
        let value = ["name": "a\u{1B}[31m\u{7F}\u{85}\u{9B}\u{202E}\u{2066}\u{2028}\u{61C}z é 日本"]
        let encoder = JSONEncoder()
        let document = Output.terminalSafeJSON(String(decoding: try encoder.encode(value), as: UTF8.self))
        #expect(!document.unicodeScalars.contains(where: TerminalText.needsEscaping))
        #expect(document.contains(#"\u001b"#) && document.contains(#"\u009b"#) && document.contains(#"\u202e"#))
        #expect(document.contains("é 日本"), "other characters stay as they are")
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(document.utf8))
        #expect(decoded == value)
    }
}

@Suite struct OperatingSystemUserTests {
    @Test func theEffectiveUserIsNamed() {
        #expect(AdminActor(describing: 0, sudoUser: nil).name == "root")
        #expect(AdminActor(describing: 0, sudoUser: "").name == "root")
        #expect(AdminActor(describing: 0, sudoUser: "root").name == "root")
    }

    @Test func sudoAddsTheUserWhoRanIt() {
        #expect(AdminActor(describing: 0, sudoUser: "alice").name == "root (sudo: alice)")
    }

    @Test func aUserWithoutANameIsNamedByUid() {
        #expect(AdminActor(describing: 4_000_000, sudoUser: nil).name == "uid 4000000")
    }

    @Test func theRunningProcessIsItsEffectiveUser() {
        let expected = AdminActor(describing: geteuid(), sudoUser: ProcessInfo.processInfo.environment["SUDO_USER"])
        #expect(AdminActor.operatingSystemUser == expected)
    }
}
