import DirectoryStore
import Testing

@testable import CrowdService

/// `text` as element or attribute text.
private func escaped(_ text: String) -> String {
    var bytes: [UInt8] = []
    XMLText.escape(text, into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct CrowdTextTests {
    @Test func xmlEscapesMarkupAndReplacesWhatXMLCannotCarry() {
        #expect(escaped("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;")
        #expect(escaped("bell\u{07}tab\t") == "bell\u{FFFD}tab\t")
        #expect(escaped("é中🙂") == "é中🙂")
    }

    @Test func xmlAttributesAreEscapedToo() {
        var xml = XMLText()
        xml.open("user", [("name", "a\"<b>")], empty: true)
        #expect(String(decoding: xml.bytes, as: UTF8.self).hasSuffix("<user name=\"a&quot;&lt;b&gt;\"/>"))
    }

    @Test func acceptPicksTheFormatCrowdWould() {
        #expect(CrowdFormat.answering(accept: "application/json") == .json)
        #expect(CrowdFormat.answering(accept: nil) == .xml)
        #expect(CrowdFormat.answering(accept: "application/xml, application/json") == .xml)
        #expect(CrowdFormat.answering(accept: "*/*") == .xml)
    }

    @Test func basicCredentialsSplitAtTheFirstColon() {
        #expect(CrowdEndpoint.basicCredentials("Basic amlyYTpwYTpzcw==").map { [$0.0, $0.1] } == ["jira", "pa:ss"])
        #expect(CrowdEndpoint.basicCredentials("Bearer abc") == nil)
        #expect(CrowdEndpoint.basicCredentials("Basic !!!") == nil)
    }
}

@Suite struct AddressRangeTests {
    @Test func ipv4RangesMatchTheirAddressesOnly() throws {
        let range = try #require(AddressRange("10.1.0.0/16"))
        #expect(range.contains("10.1.200.3"))
        #expect(!range.contains("10.2.0.1"))
        #expect(range.contains("::ffff:10.1.2.3"))
        #expect(!range.contains("not an address"))
        #expect(range.description == "10.1.0.0/16")
    }

    @Test func ipv6RangesAndSingleAddresses() throws {
        let range = try #require(AddressRange("2001:db8::/32"))
        #expect(range.contains("2001:db8:1::5"))
        #expect(!range.contains("2001:db9::1"))
        let one = try #require(AddressRange("127.0.0.1"))
        #expect(one.description == "127.0.0.1/32")
        #expect(!one.contains("127.0.0.2"))
        #expect(try #require(AddressRange("10.1.2.3/8")).description == "10.0.0.0/8")
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0/8", "::/129", "", "10.0.0.0/-1", "10.0.0.0/+8", "a/8"])
    func malformedRangesAreRefused(text: String) {
        #expect(AddressRange(text) == nil)
    }
}
