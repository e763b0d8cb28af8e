import GRDB
import SCIM
import TestSupport
import Testing

@testable import DirectoryStore

/// The SQL a filter compiles to holds none of the request's text: attribute names, URNs and
/// values all travel as bound parameters.
@Suite struct FilterSQLTests {
    let fixture: StoreFixture

    init() throws {
        fixture = try StoreFixture()
    }

    private func compiled(_ filter: String, _ columns: FilterSQL.Columns = FilterSQL.users) throws -> (sql: String, arguments: StatementArguments) {
        let condition = try FilterSQL(columns: columns).compile(try FilterParser.parse(filter))
        return (condition.text, StatementArguments(condition.arguments))
    }

    @Test(arguments: [
        #"zzqqname eq "vvww""#,
        #"name.zzqqgiven co "vvww""#,
        #"emails[zzqqtype eq "vvww"]"#,
        #"name[zzqq__element__b eq "vvww"]"#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:zzqqdept sw "vvww""#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.zzqq pr"#,
        #"zzqqlist pr and not (zzqqflag eq true)"#,
        #"emails[zzqqtype eq "vvww"].zzqqvalue eq "vvww""#,
        #"emails[type eq "vvww"].zzqqvalue pr"#,
        #"urn:ietf:params:scim:schemas:core:2.0:User:addresses[zzqqtype eq "vvww"].zzqqlocality sw "vvww""#,
    ])
    func noRequestTextInTheSQL(filter: String) throws {
        let (sql, arguments) = try compiled(filter)
        #expect(!sql.contains("zzqq"), "\(sql)")
        #expect(!sql.contains("vvww"), "\(sql)")
        #expect(!sql.contains("__element__"), "\(sql)")
        #expect(!arguments.isEmpty)
    }

    @Test func theEntraMatchingFilterBindsItsSubAttributeAndValue() throws {
        let (sql, arguments) = try compiled(#"emails[type eq "zzqqwork"].value eq "vvww@x""#)
        #expect(sql.contains("json_each"), "\(sql)")
        #expect(!sql.contains("zzqq") && !sql.contains("vvww"), "\(sql)")
        // GRDB refuses arguments that do not match the statement's parameters one for one.
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            db.add(function: DatabaseFunction("scim_fold", argumentCount: 1, pure: true) { $0[0] })
        }
        let queue = try DatabaseQueue(path: fixture.path, configuration: configuration)
        _ = try queue.read { db in try Row.fetchAll(db, sql: "SELECT pk FROM scim_user WHERE " + sql, arguments: arguments) }
        #expect(arguments.description.contains("vvww@x") && arguments.description.contains(#"$.\"value\""#), "\(arguments)")
        let (groupSQL, _) = try compiled(#"members[type eq "User"].value eq "zzqq""#, FilterSQL.groups)
        #expect(groupSQL.contains("scim_member") && !groupSQL.contains("zzqq"), "\(groupSQL)")
    }

    @Test func groupMemberFiltersStayInTheMemberTable() throws {
        let (sql, _) = try compiled(#"members[value eq "zzqq"]"#, FilterSQL.groups)
        #expect(sql.contains("scim_member"))
        #expect(!sql.contains("zzqq"))
    }

    @Test func unknownSchemasAreRefused() {
        let error = #expect(throws: IdPViewError.self) {
            try compiled(#"urn:ietf:params:scim:schemas:extension:other:2.0:User:title eq "x""#)
        }
        guard case .unsupportedFilter(let why)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(why.contains("publishes"))
    }

    @Test func namesAreSpelledAsTheSchemaSpellsThem() throws {
        let (_, arguments) = try compiled(#"NAME.GIVENNAME eq "a""#)
        #expect(arguments.description.contains(#"$.\"name\".\"givenName\""#), "\(arguments)")
    }

    @Test func sortByIsABoundJSONPathToo() throws {
        let order = try FilterSQL(columns: FilterSQL.users).order(try AttributePath.parse("zzqqrank"), descending: true)
        #expect(order.text == "json_extract(resource, ?) DESC, pk")
        #expect(StatementArguments(order.arguments).description.contains("zzqqrank"))
    }
}

/// A list query that runs past its deadline is stopped and refused, naming the limit. (Before
/// the deadline, the 100-term `co` filter below ran for more than ten seconds on 20,000 users in a
/// debug build: one IdP token could hold a worker that long per request.)
@Suite struct QueryDeadlineTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
        let queue = try DatabaseQueue(path: fixture.path)
        try queue.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                    INSERT INTO scim_user (app_id, id, user_name, user_name_key, active, resource, version, created_at, modified_at)
                    SELECT ?, 'u' || i, 'user' || i, 'user' || i, 1,
                           '{"userName":"user' || i || '","emails":[{"value":"a' || i || '@x.example"},{"value":"b' || i || '@y.example"}]}',
                           1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
                    FROM n
                    """,
                arguments: [app.id]
            )
        }
    }

    private var expensive: ListQuery {
        get throws {
            let terms = (0..<100).map { #"emails.value co "zz\#($0)""# }.joined(separator: " or ")
            return ListQuery(filter: try FilterParser.parse(terms))
        }
    }

    @Test func aQueryPastItsDeadlineIsRefusedAsTooMany() throws {
        let error = #expect(throws: ScimError.self) {
            try fixture.store.listResources(table: .users, appID: app.id, query: try expensive, milliseconds: 1)
        }
        #expect(error?.status == 400)
        #expect(error?.scimType == .tooMany)
        #expect(error?.detail.contains("queryMaxMilliseconds = 1") == true)
    }

    @Test func aQueryWithinItsDeadlineAnswersAndTheConnectionGoesOn() throws {
        #expect(throws: ScimError.self) {
            try fixture.store.listResources(table: .users, appID: app.id, query: try expensive, milliseconds: 1)
        }
        let cheap = ListQuery(filter: try FilterParser.parse(#"userName eq "USER7""#))
        #expect(try fixture.store.listResources(table: .users, appID: app.id, query: cheap, milliseconds: 1000).totalResults == 1)
        #expect(try fixture.store.scimUsers(appID: app.id, query: ListQuery(count: 1)).totalResults == 20000)
    }
}

/// The deepest and longest filters the parser's limits allow compile to SQL that SQLite parses.
@Suite struct FilterSQLDepthTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
    }

    private func runs(_ filter: String, onUsers: Bool = true, onGroups: Bool = true) throws {
        if onUsers { _ = try fixture.store.scimUsers(appID: app.id, query: ListQuery(filter: try FilterParser.parse(filter))) }
        guard onGroups else { return }
        _ = try fixture.store.scimGroups(appID: app.id, query: ListQuery(filter: try FilterParser.parse(filter)))
    }

    @Test func aChainOfTheMostTermsParses() throws {
        let limit = ScimLimit.filterTerms.value
        try runs((0..<limit).map { #"title eq "\#($0)""# }.joined(separator: " or "))
        try runs((0..<limit).map { #"title eq "\#($0)""# }.joined(separator: " and "))
        try runs("emails[" + (0..<limit).map { #"value eq "\#($0)""# }.joined(separator: " or ") + "]", onGroups: false)
        try runs("members[" + (0..<limit).map { #"value eq "\#($0)""# }.joined(separator: " and ") + "]", onUsers: false)
    }

    @Test func theDeepestNestingParses() throws {
        // The brackets and the `not (…)` inside them are two of the levels.
        let depth = ScimLimit.filterNesting.value - 2
        var alternating = #"emails[type eq "work" and not (value co "x")]"#
        for level in 0..<depth { alternating = #"title eq "\#(level)" \#(level.isMultiple(of: 2) ? "and" : "or") (\#(alternating))"# }
        try runs(alternating, onGroups: false)
        try runs(String(repeating: "not (", count: depth + 2) + "title pr" + String(repeating: ")", count: depth + 2))
        // The reviewer's shape: `not (… or` at every level, a value filter at the bottom.
        let levels = ScimLimit.filterNesting.value - 1
        let notOr = { (inner: String) in
            String(repeating: #"not (title ne "a" or "#, count: levels) + inner + String(repeating: ")", count: levels)
        }
        try runs(notOr(#"emails[type ne "x" or value ne "y"]"#), onGroups: false)
        try runs(notOr(#"members[type ne "User" or type ne "Group"]"#), onUsers: false)
    }
}
