import Testing

@testable import AdminConsole

@Suite struct HTMLEscapingTests {
    @Test func markupCharactersBecomeReferences() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'y'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
    }

    @Test func interpolatedStringsAreEscapedAndMarkupIsNot() {
        let name = "\"><img src=x onerror=alert(1)>"
        let row: HTML = "<td title=\"\(name)\">\(name)</td>"
        #expect(row.text == "<td title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>")
        let inner: HTML = "<b>bold</b>"
        let outer: HTML = "<p>\(inner)</p>"
        #expect(outer.text == "<p><b>bold</b></p>")
    }

    @Test func controlAndBidiCharactersAreShownNotHidden() {
        #expect(HTML.escape("a\u{1B}[31mred\u{7}") == "a\\u{1B}[31mred\\u{7}")
        #expect(HTML.escape("evil\u{202E}gpj.exe") == "evil\\u{202E}gpj.exe")
        #expect(HTML.escape("nul\u{0}") == "nul\\u{0}")
        #expect(HTML.escape("line\nnext\ttab") == "line\nnext\ttab")
    }

    @Test func unicodeNamesPassThrough() {
        #expect(HTML.escape("Łukasz 渡辺 Straße 👩🏽‍💻") == "Łukasz 渡辺 Straße 👩🏽‍💻")
    }

    @Test func optionalAndNumbers() {
        let missing: String? = nil
        let value: HTML = "\(missing)|\(42)|\(Int64(-7))"
        #expect(value.text == "|42|-7")
    }

    @Test func aLongHostileNameIsEscapedWhole() {
        let hostile = String(repeating: "<&\"'\u{1B}", count: 20_000)
        let escaped = HTML.escape(hostile)
        #expect(!escaped.contains("<") && !escaped.contains("\"") && !escaped.contains("'") && !escaped.contains("\u{1B}"))
        #expect(escaped.hasPrefix("&lt;&amp;&quot;&#39;\\u{1B}"))
    }

    @Test func aFieldValueComesBackAsItWasWritten() {
        // The browser turns character references back into the characters when it posts the form.
        #expect(HTML.fieldValue("{\r\n\"a\": \"x\u{202E}<&'\"}").text == "{&#xD;&#xA;&quot;a&quot;: &quot;x&#x202E;&lt;&amp;&#39;&quot;}")
        #expect(HTML.fieldValue("nul\u{0}").text == "nul&#xFFFD;")
    }
}
