import SCIM
import TestSupport
import Testing

@testable import DirectoryStore

/// Inputs the `filter` and `query` fuzzers found (scripts/fuzz.sh) against the FilterSQL that
/// pasted attribute names into SQL text: each must now be a clean `ScimError` or a result, never
/// SQL that SQLite refuses.
@Suite struct FilterFuzzFindingTests {
    let fixture: StoreFixture
    let app: AuthenticatedApp

    init() throws {
        fixture = try StoreFixture()
        app = try fixture.app("okta").app
        try fixture.createUser(app, userBody(#""userName":"alice","name":{"givenName":"Alice"}"#))
    }

    @Test(arguments: FuzzFindings.filters)
    func filterIsRefusedCleanly(_ filter: String) throws {
        try refusedCleanly(["filter": filter])
    }

    @Test(arguments: FuzzFindings.queries)
    func queryIsRefusedCleanly(_ query: [String: String]) throws {
        try refusedCleanly(query)
    }

    /// Runs the list query of users and of groups; anything but a SCIM or store refusal propagates.
    private func refusedCleanly(_ parameters: [String: String]) throws {
        for type in ResourceType.all {
            do {
                let query = try ListQuery.parse(parameters, resourceType: type)
                _ =
                    type.name == "Group"
                    ? try fixture.store.scimGroups(appID: app.id, query: query) : try fixture.store.scimUsers(appID: app.id, query: query)
            } catch is ScimError {
                continue
            } catch is IdPViewError {
                continue
            }
        }
    }
}

/// The inputs, minimized, as the fuzzers found them (.build-fuzz/artifacts/).
enum FuzzFindings {
    static let filters = [
        // The element placeholder is replaced by text after the name was pasted into SQL.
        #"name[a__element__b eq "x"]"#,
        // A NUL in an unknown schema URN reaches the SQL text and ends the statement there.
        "urn:a\u{0}b:c eq \"x\"",
        // A chain of about ninety `or` terms compiled to as many nested parentheses: SQLite's
        // parser stack overflowed (now one flat list). Also in Fuzz/Corpus/filter.
        orChain,
    ]

    static let orChain = """
        niickName eq null or abckNamkName eq null or abckName eq n1ll or active ne false or em09Certificates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or acte eq n1ll or active ne false or em09Certificates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or active ne false or em08Certificates.valkName eq null or accficates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or active ne false or em08Certificates.valkName eq null or acckName eq null or activetive ne false or eive ne false or em09Certificates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or active ne false or em08CertificatekName eq null or activetive ne false or eive ne false or em09Certificates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq n}ll or active ne false or em08Certificates.valkName eq null or acckName eq null or activetive ne false or em09Certificates.valuserNamekName eq null or acckName eq null or actme eq null or abckName eq n=ull or active ne false or em09Certificates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or active ne false or em08Certificates.valkName eq null or accficates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or active ne false or em08Certificates.valkNameive ne false or em08Certificates.valkName eq null or accficates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or active ne false or em08Certificates.valkName eq null or acckName eq null or activetive ne false or eive ne false or em09Certificates.valkName eq null or acckName eq null or active ne false or em09Certificates.ve eq null or active ne false or em08CertificatekName eq null or activetive ne false or eive ne false or em09Certifame eq null or active ne false or em09Certificates.ve eq null or active ne false or em08Certificateive ne false or em09Certificates.ve eq null or active ne false or em08Certificates.valkName eq null or acuue ge 2.5e2
        """

    static let queries: [[String: String]] = [
        ["filter": #"name[a__element__b eq "x"]"#],
        // The same NUL in a `sortBy` path, pasted into ORDER BY.
        ["sortBy": "urn:a\u{0}b:c"],
    ]
}
