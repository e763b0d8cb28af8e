import SCIM
import TestSupport
import Testing

@Suite struct FilterEvaluatorTests {
    let evaluator = FilterEvaluator(resourceType: .user)

    let user: JSONObject
    init() throws {
        user = try object(
            """
            {"schemas":["\(userURN)","\(enterpriseURN)"],"id":"2819c223-7f76-453a-919d-413861904646",
             "externalId":"ExtID-77","userName":"BJensen@Example.com","displayName":"Babs Jensen","title":"",
             "name":{"givenName":"Barbara","familyName":"Jensen"},"active":false,
             "emails":[{"value":"bjensen@Example.com","type":"work","primary":true},{"value":"babs@home.org","type":"home"}],
             "phoneNumbers":[],
             "meta":{"lastModified":"2024-03-01T10:00:00.000Z"},
             "\(enterpriseURN)":{"department":"Research","manager":{"value":"Mgr-1"}},
             "age":42}
            """
        )
    }

    private func matches(_ filter: String) throws -> Bool {
        evaluator.matches(try FilterParser.parse(filter), user)
    }

    @Test func userNameComparesIgnoringCase() throws {
        #expect(try matches(#"userName eq "bjensen@example.com""#))
        #expect(try matches(#"userName eq "BJENSEN@EXAMPLE.COM""#))
        #expect(try matches(#"userName sw "bjen""#))
        #expect(try matches(#"userName ew "EXAMPLE.COM""#))
        #expect(try matches(#"userName co "@EXAMPLE""#))
        #expect(try !matches(#"userName ne "BJENSEN@example.com""#))
        #expect(try !matches(#"userName eq "jensen@example.com""#))
    }

    @Test func externalIdAndIdCompareExactly() throws {
        #expect(try matches(#"externalId eq "ExtID-77""#))
        #expect(try !matches(#"externalId eq "extid-77""#))
        #expect(try matches(#"externalId ne "extid-77""#))
        #expect(try !matches(#"externalId sw "ext""#))
        #expect(try matches(#"externalId sw "Ext""#))
        #expect(try matches(#"id eq "2819c223-7f76-453a-919d-413861904646""#))
        #expect(try !matches(#"id eq "2819C223-7F76-453A-919D-413861904646""#))
    }

    @Test func otherStringsCompareIgnoringCase() throws {
        #expect(try matches(#"displayName eq "BABS JENSEN""#))
        #expect(try matches(#"name.givenName sw "bar""#))
        #expect(try matches(#"name.familyName ew "SEN""#))
    }

    @Test func caseExactSubAttributeOfAnExtension() throws {
        #expect(try matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "Mgr-1""#))
        #expect(try !matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "mgr-1""#))
        #expect(try matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "research""#))
        #expect(try !matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales""#))
    }

    @Test func valuePathsMatchWithinOneElement() throws {
        #expect(try matches(#"emails[type eq "work" and value co "@example.com"]"#))
        // The home address is not at example.com and the work address is not at home.org.
        #expect(try !matches(#"emails[type eq "home" and value co "@example.com"]"#))
        #expect(try !matches(#"emails[type eq "work" and value co "home.org"]"#))
        #expect(try matches(#"emails[type eq "WORK"]"#))
        #expect(try matches(#"emails[primary eq true and value eq "BJENSEN@example.com"]"#))
        #expect(try !matches(#"emails[type eq "other"]"#))
    }

    @Test func multiValuedAttributesMatchAnyValue() throws {
        #expect(try matches(#"emails.value eq "babs@home.org""#))
        #expect(try matches(#"emails co "home.org""#))
        #expect(try matches(#"emails.type eq "home""#))
        #expect(try !matches(#"emails.value eq "nobody@home.org""#))
    }

    @Test func presence() throws {
        #expect(try matches("displayName pr"))
        #expect(try !matches("title pr"))  // empty string
        #expect(try !matches("phoneNumbers pr"))  // empty array
        #expect(try !matches("nickName pr"))  // absent
        #expect(try matches("emails pr"))
        #expect(try matches("name.givenName pr"))
        #expect(try matches("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr"))
        #expect(try !matches("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division pr"))
    }

    @Test func booleansNumbersAndDates() throws {
        #expect(try matches("active eq false"))
        #expect(try !matches("active eq true"))
        #expect(try matches("active ne true"))
        #expect(try matches("age gt 41 and age ge 42 and age le 42 and age lt 43"))
        #expect(try !matches("age gt 42"))
        #expect(try matches(#"meta.lastModified gt "2024-01-01T00:00:00Z""#))
        #expect(try !matches(#"meta.lastModified lt "2024-01-01T00:00:00Z""#))
    }

    @Test func logicalOperators() throws {
        #expect(try matches(#"userName eq "nobody" or displayName co "babs""#))
        #expect(try !matches(#"userName eq "nobody" and displayName co "babs""#))
        #expect(try matches(#"not (userName eq "nobody")"#))
        #expect(try !matches(#"not (emails[type eq "home"])"#))
    }

    @Test func elementScopedEvaluationIsCaseExactPerSubAttribute() throws {
        // As PATCH uses it: paths are relative to an element of `members` of a group.
        let scoped = FilterEvaluator(resourceType: .group, parent: AttributePath(name: "members"))
        let member = try object(#"{"value":"AbC-1","display":"Alice"}"#)
        #expect(scoped.matches(try FilterParser.parse(#"value eq "AbC-1""#), member))
        #expect(!scoped.matches(try FilterParser.parse(#"value eq "abc-1""#), member))
        #expect(scoped.matches(try FilterParser.parse(#"display eq "ALICE""#), member))
    }
}
