import SCIM
import Testing

@Suite struct JSONWriterTests {
    @Test func escapesQuotesBackslashesAndNamedControlCharacters() {
        #expect(JSONWriter.string(.string("a\"b\\c")) == #""a\"b\\c""#)
        #expect(JSONWriter.string(.string("line\nnext\rtab\t")) == #""line\nnext\rtab\t""#)
    }

    @Test func escapesOtherControlCharactersAsUnicodeEscapes() {
        #expect(JSONWriter.string(.string("\u{00}\u{01}\u{08}\u{0C}\u{1F}")) == #""\u0000\u0001\u0008\u000c\u001f""#)
    }

    @Test func leavesSlashDeleteAndNonASCIIAsTheyAre() {
        #expect(JSONWriter.string(.string("a/b\u{7F}é€😀")) == "\"a/b\u{7F}é€😀\"")
    }

    @Test func escapesObjectKeys() {
        let value = JSONValue.object(JSONObject([("we\"ird\nkey", .integer(1))]))
        #expect(JSONWriter.string(value) == #"{"we\"ird\nkey":1}"#)
    }

    @Test func writesCompactJSONInMemberOrder() {
        let value = JSONValue.object(
            JSONObject([
                ("z", .bool(true)), ("a", .null), ("n", .number("1.50")),
                ("list", .array([.string("x"), .integer(-2), .object(JSONObject()), .array([])])),
            ])
        )
        #expect(JSONWriter.string(value) == #"{"z":true,"a":null,"n":1.50,"list":["x",-2,{},[]]}"#)
    }

    @Test func everyControlCharacterRoundTrips() throws {
        var text = ""
        for code in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(code))) }
        text += "\"\\/ plain é 😀 \u{2028}"
        let written = JSONWriter.serialize(.string(text))
        #expect(!written.contains { $0 < 0x20 })
        #expect(try JSONParser.parse(written) == .string(text))
    }

    @Test func documentsRoundTripUnchanged() throws {
        let text =
            #"{"schemas":["urn:x"],"name":{"givenName":"Zoë","familyName":"O\"Brien"},"n":12345678901234567890,"emails":[{"value":"a@b","primary":true}],"x":null}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == text)
        #expect(try JSONParser.parse(JSONWriter.serialize(value)) == value)
    }

    @Test func longStringsWithEscapesInTheMiddleKeepEveryRun() throws {
        let text = String(repeating: "abc", count: 100) + "\"" + String(repeating: "é", count: 50) + "\n" + "end"
        #expect(try JSONParser.parse(JSONWriter.serialize(.string(text))) == .string(text))
    }

    @Test func writesIntegersAsSwiftPrintsThem() {
        for value in [0, 7, -7, 10, 99, 100, 404, 1_000_000, Int.max, Int.min] {
            var writer = JSONWriter()
            writer.appendInteger(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
        }
    }

    /// The log line's milliseconds were a `Double`'s description: the same text, without one.
    @Test func writesThousandthsAsADoublesDescription() {
        let values = Array(-1_005...3_005) + [12_345, 99_999, 1_000_000, 86_400_000, 123_456_789]
        for value in values {
            var writer = JSONWriter()
            writer.appendThousandths(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == "\(Double(value) / 1000)", "\(value)")
        }
    }
}
