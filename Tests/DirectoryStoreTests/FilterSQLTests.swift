import GRDB
import SCIM
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
        let queue = try DatabaseQueue(path: fixture.path)
        return try queue.read { db in try condition.build(db) }
    }

    @Test(arguments: [
        #"zzqqname eq "vvww""#,
        #"name.zzqqgiven co "vvww""#,
        #"emails[zzqqtype eq "vvww"]"#,
        #"name[zzqq__element__b eq "vvww"]"#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:zzqqdept sw "vvww""#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.zzqq pr"#,
        #"zzqqlist pr and not (zzqqflag eq true)"#,
    ])
    func noRequestTextInTheSQL(filter: String) throws {
        let (sql, arguments) = try compiled(filter)
        #expect(!sql.contains("zzqq"), "\(sql)")
        #expect(!sql.contains("vvww"), "\(sql)")
        #expect(!sql.contains("__element__"), "\(sql)")
        #expect(!arguments.isEmpty)
    }

    @Test func groupMemberFiltersStayInTheMemberTable() throws {
        let (sql, _) = try compiled(#"members[value eq "zzqq"]"#, FilterSQL.groups)
        #expect(sql.contains("scim_member"))
        #expect(!sql.contains("zzqq"))
    }

    @Test func unknownSchemasAreRefused() {
        let error = #expect(throws: ScimError.self) {
            try compiled(#"urn:ietf:params:scim:schemas:extension:other:2.0:User:title eq "x""#)
        }
        #expect(error?.scimType == .invalidFilter)
        #expect(error?.detail.contains("publishes") == true)
    }

    @Test func namesAreSpelledAsTheSchemaSpellsThem() throws {
        let (_, arguments) = try compiled(#"NAME.GIVENNAME eq "a""#)
        #expect(arguments.description.contains(#"$.\"name\".\"givenName\""#), "\(arguments)")
    }

    @Test func sortByIsABoundJSONPathToo() throws {
        let order = try FilterSQL(columns: FilterSQL.users).order(try AttributePath.parse("zzqqrank"), descending: true)
        let queue = try DatabaseQueue(path: fixture.path)
        let (sql, arguments) = try queue.read { db in try order.build(db) }
        #expect(sql == "json_extract(resource, ?) DESC, pk")
        #expect(arguments.description.contains("zzqqrank"))
    }
}
