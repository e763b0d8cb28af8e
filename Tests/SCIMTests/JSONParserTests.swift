import SCIM
import Testing

@Suite struct JSONParserTests {
    @Test func keepsObjectKeyOrderAsWritten() throws {
        let value = try JSONParser.parse(#"{"zeta":1,"alpha":2,"Mid":{"y":true,"x":false},"beta":null}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["zeta", "alpha", "Mid", "beta"])
        #expect(object["Mid"]?.objectValue?.keys == ["y", "x"])
        #expect(object["beta"] == .null)
    }

    @Test func keepsTheExactTextOfNumbers() throws {
        let object = try #require(
            try JSONParser.parse(
                #"{"a":1.50,"b":12345678901234567890123,"c":-0,"d":1E+5,"e":2.5e-3,"f":0}"#
            ).objectValue
        )
        #expect(object["a"] == .number("1.50"))
        #expect(object["b"] == .number("12345678901234567890123"))
        #expect(object["c"] == .number("-0"))
        #expect(object["d"] == .number("1E+5"))
        #expect(object["e"] == .number("2.5e-3"))
        #expect(object["f"] == .number("0"))
        #expect(JSONWriter.string(.object(object)) == #"{"a":1.50,"b":12345678901234567890123,"c":-0,"d":1E+5,"e":2.5e-3,"f":0}"#)
    }

    @Test func parsesEveryKindOfValueWithWhitespace() throws {
        let value = try JSONParser.parse(" \n\t{ \"s\" : \"x\" , \"a\" : [ true , false , null , 3 , { } , [ ] ] }\r\n ")
        #expect(
            value
                == .object(
                    JSONObject([
                        ("s", .string("x")),
                        ("a", .array([.bool(true), .bool(false), .null, .number("3"), .object(JSONObject()), .array([])])),
                    ])
                )
        )
    }

    @Test func topLevelScalarsAreDocuments() throws {
        #expect(try JSONParser.parse("\"text\"") == .string("text"))
        #expect(try JSONParser.parse("42") == .number("42"))
        #expect(try JSONParser.parse("null") == .null)
    }

    @Test func decodesEscapes() throws {
        let value = try JSONParser.parse(#""q\" b\\ s\/ \b\f\n\r\t \u00e9 \u20AC \ud83d\ude00""#)
        #expect(value == .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t é € 😀"))
    }

    @Test func keepsRawUTF8Text() throws {
        #expect(try JSONParser.parse(Array("\"Zoë 😀 東京\"".utf8)) == .string("Zoë 😀 東京"))
    }

    @Test func acceptsNestingOf64Levels() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser.parse(text) }
    }

    @Test func refusesNestingDeeperThan64Levels() throws {
        let arrays = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(arrays) }
        #expect(error?.reason.contains("nesting") == true)
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(objects) }
    }

    @Test(
        arguments: [
            [0x22, 0xFF, 0x22],  // a byte that never occurs in UTF-8
            [0x22, 0xC3, 0x22],  // a truncated two-byte sequence
            [0x22, 0xC0, 0xAF, 0x22],  // an overlong encoding of '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // a surrogate encoded in UTF-8
            [0x7B, 0x7D, 0x80],  // a stray continuation byte after the value
        ] as [[UInt8]]
    )
    func refusesInvalidUTF8(bytes: [UInt8]) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        #expect(error?.reason.contains("UTF-8") == true)
    }

    @Test(arguments: ["", " ", "\n\t\r "])
    func refusesAnEmptyDocument(text: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.reason.contains("empty") == true)
    }

    @Test(arguments: [#"{"a":1} x"#, "{}}", "1 2", "[1]]", "true false", #""a""b""#, "{} //"])
    func refusesTrailingContent(text: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.reason.contains("after the JSON value") == true)
    }

    @Test(arguments: [#""\x""#, #""\u12""#, #""\u12G4""#, #""\'""#, #""\U0041""#, #""abc\"#])
    func refusesBadEscapes(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test(arguments: [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#, #""\ude00\ud83d""#])
    func refusesLoneSurrogates(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test(arguments: [
        "{", "[", "[1,]", #"{"a":1,}"#, "{a:1}", #"{"a" 1}"#, "[1 2]", "tru", "nul", "True", "01", "1.", ".5", "-",
        "1e", "+1", "\"a\nb\"", "\"unterminated", "NaN", "'single'",
    ])
    func refusesMalformedDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func errorNamesTheByteOffset() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a": x}"#) }
        #expect(error?.offset == 6)
        #expect(error?.description.contains("byte 6") == true)
    }

    @Test func honoursACustomMaximumDepth() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[[[]]]", maxDepth: 2) }
        #expect(throws: Never.self) { try JSONParser.parse("[[]]", maxDepth: 2) }
    }

    @Test func refusesObjectsAndArraysPastTheirLimitsNamingThem() {
        let members = (0...ScimLimit.jsonObjectMembers.value).map { #""k\#($0)":0"# }.joined(separator: ",")
        let object = #expect(throws: JSONParseError.self) { try JSONParser.parse("{\(members)}") }
        #expect(object?.description.contains("jsonMaxObjectMembers = 1000") == true)
        let elements = Array(repeating: "0", count: ScimLimit.jsonArrayElements.value + 1).joined(separator: ",")
        let array = #expect(throws: JSONParseError.self) { try JSONParser.parse("[\(elements)]") }
        #expect(array?.description.contains("jsonMaxArrayElements = 10000") == true)
        #expect(throws: Never.self) { try JSONParser.parse("{\(members)}", limits: .stored) }
    }
}
