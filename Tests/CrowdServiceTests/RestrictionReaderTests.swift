import DirectoryStore
import SCIM
import Testing

@testable import CrowdService

@Suite struct RestrictionReaderTests {
    @Test func readsPythonCrowdsXMLPropertyRestriction() throws {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <property-search-restriction><property><name>email</name><type>STRING</type></property>\
            <match-mode>CONTAINS</match-mode><value>a&amp;b</value></property-search-restriction>
            """
        let restriction = try RestrictionReader.read(xml: try SmallXMLParser.parse(Array(body.utf8)))
        #expect(restriction == .property(name: "email", mode: .contains, value: "a&b"))
    }

    @Test func readsBooleanRestrictionsInXMLAndJSON() throws {
        let xml = """
            <boolean-search-restriction><boolean-logic>or</boolean-logic><restrictions>
            <property-search-restriction><property><name>name</name></property><match-mode>STARTS_WITH</match-mode><value>a</value></property-search-restriction>
            <null-search-restriction/>
            </restrictions></boolean-search-restriction>
            """
        let expected = CrowdRestriction.or([.property(name: "name", mode: .startsWith, value: "a"), .all])
        #expect(try RestrictionReader.read(xml: try SmallXMLParser.parse(Array(xml.utf8))) == expected)
        let json = """
            {"restriction-type":"boolean-search-restriction","boolean-logic":"or","restrictions":[
              {"restriction-type":"property-search-restriction","property":{"name":"name","type":"STRING"},"match-mode":"STARTS_WITH","value":"a"},
              {"restriction-type":"null-search-restriction"}]}
            """
        #expect(try RestrictionReader.read(json: try JSONParser.parse(json)) == expected)
    }

    @Test(arguments: [
        "<!DOCTYPE x [<!ENTITY a \"b\">]><property-search-restriction/>",
        "<a><b></a>",
        "<a>&unknown;</a>",
        "<a></a><b/>",
        "<a x=1/>",
    ])
    func refusesXMLItDoesNotRead(text: String) {
        #expect(throws: SmallXMLParser.Failure.self) { try SmallXMLParser.parse(Array(text.utf8)) }
    }

    @Test func refusesXMLNestedPastItsLimit() {
        let deep = String(repeating: "<a>", count: 1_000) + String(repeating: "</a>", count: 1_000)
        #expect(throws: SmallXMLParser.Failure.self) { try SmallXMLParser.parse(Array(deep.utf8)) }
    }

    @Test func refusesUnknownMatchModesAndLogic() throws {
        let mode = #"{"property":{"name":"name"},"match-mode":"REGEX","value":"a"}"#
        #expect(throws: CrowdError.self) { try RestrictionReader.read(json: try JSONParser.parse(mode)) }
        let logic = #"{"restriction-type":"boolean-search-restriction","boolean-logic":"xor","restrictions":[]}"#
        #expect(throws: CrowdError.self) { try RestrictionReader.read(json: try JSONParser.parse(logic)) }
    }

    /// Null restrictions hold no property term, but 1,500 of them under one boolean made an SQL
    /// condition SQLite refuses (nested 1,000 deep): a 500 and the query in the log.
    @Test func restrictionsWithoutTermsAreCountedToo() throws {
        let null = #"{"restriction-type":"null-search-restriction"}"#
        let many = """
            {"restriction-type":"boolean-search-restriction","boolean-logic":"and","restrictions":[\(Array(repeating: null, count: 1_500).joined(separator: ","))]}
            """
        #expect(throws: CrowdError.illegalArgument("The search holds more than 200 restrictions (limit crowdSearchRestrictions).")) {
            try RestrictionReader.read(json: try JSONParser.parse(many))
        }
        let some = """
            {"restriction-type":"boolean-search-restriction","boolean-logic":"and","restrictions":[\(Array(repeating: null, count: 199).joined(separator: ","))]}
            """
        #expect(try RestrictionReader.read(json: try JSONParser.parse(some)) == .and(Array(repeating: .all, count: 199)))
    }
}
