import SCIM
import TestSupport
import Testing

private func path(_ name: String, _ sub: String? = nil, schema: String? = nil) -> AttributePath {
    AttributePath(schema: schema, name: name, subAttribute: sub)
}

private func eq(_ name: String, _ value: JSONValue) -> Filter {
    .compare(path(name), .eq, value)
}

@Suite struct FilterParserTests {
    @Test(arguments: ComparisonOperator.allCases)
    func parsesEveryComparisonOperator(op: ComparisonOperator) throws {
        #expect(try FilterParser.parse("userName \(op.rawValue) \"bjensen\"") == .compare(path("userName"), op, .string("bjensen")))
    }

    @Test func operatorsAndKeywordsIgnoreCase() throws {
        #expect(
            try FilterParser.parse(#"userName EQ "a" AND title Pr"#)
                == .and(eq("userName", .string("a")), .present(path("title")))
        )
        #expect(
            try FilterParser.parse(#"NOT (userName Sw "a") Or title pr"#)
                == .or(.not(.compare(path("userName"), .sw, .string("a"))), .present(path("title")))
        )
    }

    @Test func parsesPresent() throws {
        #expect(try FilterParser.parse("title pr") == .present(path("title")))
        #expect(try FilterParser.parse("name.familyName pr") == .present(path("name", "familyName")))
    }

    @Test func andBindsTighterThanOr() throws {
        let a = eq("a", .number("1"))
        let b = eq("b", .number("2"))
        let c = eq("c", .number("3"))
        #expect(try FilterParser.parse("a eq 1 or b eq 2 and c eq 3") == .or(a, .and(b, c)))
        #expect(try FilterParser.parse("a eq 1 and b eq 2 or c eq 3") == .or(.and(a, b), c))
    }

    @Test func sameOperatorsGroupFromTheLeft() throws {
        let a = eq("a", .number("1"))
        let b = eq("b", .number("2"))
        let c = eq("c", .number("3"))
        #expect(try FilterParser.parse("a eq 1 or b eq 2 or c eq 3") == .or(.or(a, b), c))
        #expect(try FilterParser.parse("a eq 1 and b eq 2 and c eq 3") == .and(.and(a, b), c))
    }

    @Test func notBindsTighterThanAnd() throws {
        let a = eq("a", .number("1"))
        let b = eq("b", .number("2"))
        #expect(try FilterParser.parse("not (a eq 1) and b eq 2") == .and(.not(a), b))
        #expect(try FilterParser.parse("b eq 2 or not (a eq 1 or b eq 2)") == .or(b, .not(.or(a, b))))
    }

    @Test func parenthesesOverridePrecedence() throws {
        let a = eq("a", .number("1"))
        let b = eq("b", .number("2"))
        let c = eq("c", .number("3"))
        #expect(try FilterParser.parse("(a eq 1 or b eq 2) and c eq 3") == .and(.or(a, b), c))
        #expect(try FilterParser.parse("((a eq 1))") == a)
        #expect(try FilterParser.parse("a eq 1 and (b eq 2 or c eq 3)") == .and(a, .or(b, c)))
    }

    @Test func parsesValuePaths() throws {
        #expect(
            try FilterParser.parse(#"emails[type eq "work" and value co "@x"]"#)
                == .valuePath(path("emails"), .and(eq("type", .string("work")), .compare(path("value"), .co, .string("@x"))))
        )
        #expect(
            try FilterParser.parse(#"userName sw "a" and emails[type eq "work"]"#)
                == .and(.compare(path("userName"), .sw, .string("a")), .valuePath(path("emails"), eq("type", .string("work"))))
        )
        #expect(
            try FilterParser.parse(#"emails[not (type eq "home") or primary eq true]"#)
                == .valuePath(path("emails"), .or(.not(eq("type", .string("home"))), eq("primary", .bool(true))))
        )
    }

    @Test func readsASubAttributeComparisonAfterAValuePathAsPartOfItsFilter() throws {
        let work = eq("type", .string("work"))
        #expect(
            try FilterParser.parse(#"emails[type eq "work"].value eq "x@y""#)
                == .valuePath(path("emails"), .and(work, eq("value", .string("x@y"))))
        )
        #expect(
            try FilterParser.parse(#"emails[type eq "work"].value pr"#)
                == .valuePath(path("emails"), .and(work, .present(path("value"))))
        )
        #expect(
            try FilterParser.parse(#"emails[type eq "work" or primary eq true].value EW "@y" and active eq true"#)
                == .and(
                    .valuePath(path("emails"), .and(.or(work, eq("primary", .bool(true))), .compare(path("value"), .ew, .string("@y")))),
                    eq("active", .bool(true))
                )
        )
        #expect(
            try FilterParser.parse(#"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value eq "x""#)
                == .valuePath(path("emails", schema: userURN), .and(work, eq("value", .string("x"))))
        )
        #expect(
            try FilterParser.parse(#"not (addresses[type eq "work"].locality eq "Oslo")"#)
                == .not(.valuePath(path("addresses"), .and(work, eq("locality", .string("Oslo")))))
        )
    }

    @Test(arguments: [
        #"emails[type eq "work"].value"#, #"emails[type eq "work"]."#, #"emails[type eq "work"]. eq "x""#,
        #"emails[type eq "work"].value.x eq "x""#, #"emails[type eq "work"].1value eq "x""#,
        #"emails[type eq "work"].va!ue eq "x""#, #"emails[type eq "work"].value eq"#,
        #"emails[type eq "work"].value foo "x""#, #"name.givenName[type eq "work"].value eq "x""#,
        #"emails[type eq "work"].urn:x:value eq "x""#, #"emails[type eq "work"].value eq "x" "y""#,
        #"emails[type eq "work"].value[type eq "x"]"#,
    ])
    func refusesMalformedSubAttributesAfterAValuePath(text: String) {
        let error = #expect(throws: ScimError.self) { try FilterParser.parse(text) }
        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidFilter)
    }

    @Test func theSubAttributeComparisonAfterAValuePathCountsAsATerm() throws {
        let limit = ScimLimit.filterTerms.value
        let inner = (0..<(limit - 1)).map { #"type eq "\#($0)""# }.joined(separator: " or ")
        #expect(throws: Never.self) { try FilterParser.parse(#"emails[\#(inner)].value eq "x""#) }
        let error = #expect(throws: ScimError.self) { try FilterParser.parse(#"emails[\#(inner) or type eq "y"].value eq "x""#) }
        #expect(error?.detail.contains("filterMaxTerms = \(limit)") == true)
    }

    @Test func theSubAttributeFormDoesNotNestInsideValueFilters() {
        #expect(throws: ScimError.self) { try FilterParser.parse(#"emails[addresses[type eq "a"].value eq "b"]"#) }
        #expect(throws: ScimError.self) { try FilterParser.parseValueFilter(#"emails[type eq "a"].value eq "b""#) }
        #expect(throws: ScimError.self) { try PatchPath.parse(#"emails[type eq "work"].value eq "x""#) }
    }

    @Test func parsesSubAttributes() throws {
        #expect(
            try FilterParser.parse(#"name.familyName co "O'Malley""#)
                == .compare(path("name", "familyName"), .co, .string("O'Malley"))
        )
        #expect(
            try FilterParser.parse(#"meta.lastModified gt "2011-05-13T04:42:34Z""#)
                == .compare(path("meta", "lastModified"), .gt, .string("2011-05-13T04:42:34Z"))
        )
    }

    @Test func parsesURNQualifiedPaths() throws {
        #expect(
            try FilterParser.parse(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "X""#)
                == .compare(path("department", schema: enterpriseURN), .eq, .string("X"))
        )
        #expect(
            try FilterParser.parse(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1""#)
                == .compare(path("manager", "value", schema: enterpriseURN), .eq, .string("m1"))
        )
        #expect(
            try FilterParser.parse(#"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "Al""#)
                == .compare(path("name", "givenName", schema: userURN), .sw, .string("Al"))
        )
        #expect(
            try FilterParser.parse(#"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]"#)
                == .valuePath(path("emails", schema: userURN), eq("type", .string("work")))
        )
    }

    @Test func unquotedValuesAreReadAsStrings() throws {
        #expect(try FilterParser.parse("externalId eq 1234-abcd") == eq("externalId", .string("1234-abcd")))
        #expect(try FilterParser.parse("userName eq bjensen@example.com") == eq("userName", .string("bjensen@example.com")))
    }

    @Test func readsBooleansNullAndNumbers() throws {
        #expect(try FilterParser.parse("active eq true") == eq("active", .bool(true)))
        #expect(try FilterParser.parse("active eq False") == eq("active", .bool(false)))
        #expect(try FilterParser.parse("title eq null") == eq("title", .null))
        #expect(try FilterParser.parse("age gt 42") == .compare(path("age"), .gt, .number("42")))
        #expect(try FilterParser.parse("score le -1.5e3") == .compare(path("score"), .le, .number("-1.5e3")))
        // Quoted, they are strings.
        #expect(try FilterParser.parse(#"active eq "true""#) == eq("active", .string("true")))
        #expect(try FilterParser.parse(#"externalId eq "42""#) == eq("externalId", .string("42")))
    }

    @Test func stringLiteralsAreJSONStrings() throws {
        #expect(
            try FilterParser.parse(#"displayName eq "say \"hi\" \u00e9 \\ ok""#)
                == eq("displayName", .string("say \"hi\" é \\ ok"))
        )
        #expect(
            try FilterParser.parse(#"displayName eq "a (b) [c] and or not""#)
                == eq("displayName", .string("a (b) [c] and or not"))
        )
        #expect(try FilterParser.parse(#"displayName eq """#) == eq("displayName", .string("")))
    }

    @Test(arguments: [
        "", "   ", "userName", "userName eq", #"userName foo "x""#, #"(userName eq "x""#, #"userName eq "x")"#,
        #"emails[type eq "work""#, #"userName eq "unterminated"#, "and", #"userName eq "x" and"#,
        #"userName eq "x" "y""#, #"1abc eq "x""#, "userName eq (", #"not userName eq "x""#, "()",
        #"userName eq "x" or or title pr"#, #"name..givenName eq "x""#, #"name.givenName.x eq "x""#,
        #"userName eq "\q""#, #"emails[]"#, #"[type eq "x"]"#, "userName pr extra",
    ])
    func refusesMalformedFilters(text: String) {
        let error = #expect(throws: ScimError.self) { try FilterParser.parse(text) }
        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidFilter)
    }

    @Test func refusesFiltersLongerThanTheLimit() {
        let text = #"userName eq ""# + String(repeating: "x", count: ScimLimit.filterBytes.value) + #"""#
        let error = #expect(throws: ScimError.self) { try FilterParser.parse(text) }
        #expect(error?.scimType == .invalidFilter)
    }

    @Test func refusesNestingBeyondTheLimit() throws {
        let deep = { (levels: Int) in String(repeating: "(", count: levels) + "a pr" + String(repeating: ")", count: levels) }
        #expect(try FilterParser.parse(deep(ScimLimit.filterNesting.value)) == .present(path("a")))
        let error = #expect(throws: ScimError.self) { try FilterParser.parse(deep(ScimLimit.filterNesting.value + 1)) }
        #expect(error?.scimType == .invalidFilter)
    }

    // MARK: limits shared by every road into the parser

    private func orChain(_ terms: Int) -> String {
        (0..<terms).map { #"value eq "\#($0)""# }.joined(separator: " or ")
    }

    @Test func refusesMoreTermsThanTheLimitNamingIt() throws {
        let limit = ScimLimit.filterTerms.value
        #expect(throws: Never.self) { try FilterParser.parse(orChain(limit)) }
        let error = #expect(throws: ScimError.self) { try FilterParser.parse(orChain(limit + 1)) }
        #expect(error?.scimType == .invalidFilter)
        #expect(error?.detail.contains("filterMaxTerms = \(limit)") == true)
    }

    @Test func valueFiltersOfPatchPathsMeetTheSameLimits() throws {
        let limit = ScimLimit.filterTerms.value
        #expect(throws: Never.self) { try PatchPath.parse("members[\(orChain(limit))]") }
        let terms = #expect(throws: ScimError.self) { try PatchPath.parse("members[\(orChain(limit + 1))]") }
        #expect(terms?.scimType == .invalidPath)
        #expect(terms?.detail.contains("filterMaxTerms") == true)
        let long = #expect(throws: ScimError.self) { try PatchPath.parse("members[\(orChain(2000))]") }
        #expect(long?.detail.contains("filterMaxBytes = 4096") == true)
        let deep = String(repeating: "(", count: 40) + #"value eq "a""# + String(repeating: ")", count: 40)
        let nested = #expect(throws: ScimError.self) { try PatchPath.parse("members[\(deep)]") }
        #expect(nested?.detail.contains("filterMaxNesting") == true)
    }

    @Test func valueFiltersDoNotNest() {
        #expect(throws: ScimError.self) { try FilterParser.parse(#"emails[type[value eq "a"] eq "b"]"#) }
        #expect(throws: ScimError.self) { try PatchPath.parse(#"emails[type[value eq "a"] eq "b"]"#) }
    }

    @Test func theLongestTreeTheLimitsAllowIsWalkedWithoutTrouble() throws {
        let path = try PatchPath.parse("members[\(orChain(ScimLimit.filterTerms.value))]")
        let request = PatchRequest(operations: [PatchOperation(kind: .remove, path: path)])
        let (changes, _) = try MemberPatch.split(request)
        #expect(changes == [.remove(ids: (0..<ScimLimit.filterTerms.value).map(String.init))])
    }
}
