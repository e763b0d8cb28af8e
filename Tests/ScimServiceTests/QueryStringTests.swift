import ScimService
import Testing

@Suite struct QueryStringTests {
    @Test(arguments: [
        ("userName%20eq%20%22a%40b.c%22", "userName eq \"a@b.c\""),
        ("a+b", "a b"),
        ("caf%C3%A9+%E2%82%AC", "café €"),
        ("%41%6a", "Aj"),
        ("", ""),
    ])
    func decodesPercentEscapesAndPluses(text: String, decoded: String) {
        #expect(QueryString.decode(Substring(text)) == decoded)
    }

    @Test(arguments: ["%", "%4", "a%4", "%zz", "%G1", "%FF", "%C3"])
    func refusesBrokenEscapesAndBytesThatAreNotUTF8(text: String) {
        #expect(QueryString.decode(Substring(text)) == nil)
    }

    @Test func aPathSegmentKeepsItsPluses() {
        #expect(QueryString.decode("a+b%2B", plusIsSpace: false) == "a+b+")
    }

    @Test func parsesPairsAndDecodesBothSides() {
        let parsed = QueryString.parse("filter=userName+eq+%22x%22&count=10&&flag&%63ount2=%31")
        #expect(parsed == ["filter": "userName eq \"x\"", "count": "10", "flag": "", "count2": "1"])
    }
}
