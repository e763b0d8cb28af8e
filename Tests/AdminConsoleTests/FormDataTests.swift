import DirectoryStore
import Testing

@testable import AdminConsole

@Suite struct FormDataTests {
    @Test func decodesPlusAndPercentEscapesInOrder() throws {
        let form = try FormData(parsing: "name=J%C3%BCrgen+M&idp-group=Eng&idp-group=Ops&empty=&flag")
        #expect(form["name"] == "Jürgen M")
        #expect(form.all("idp-group") == ["Eng", "Ops"])
        #expect(form["empty"] == "")
        #expect(form.isChecked("flag"))
        #expect(form.trimmed("empty") == nil)
        #expect(form["missing"] == nil)
    }

    @Test func refusesBadEscapesAndBytesThatAreNotUTF8() {
        #expect(throws: ConsoleError.self) { try FormData(parsing: "a=%zz") }
        #expect(throws: ConsoleError.self) { try FormData(parsing: "a=%") }
        #expect(throws: ConsoleError.self) { try FormData(parsing: "a=%FF%FE") }
    }

    @Test func refusesMoreFieldsThanTheLimitNamingIt() {
        let text = (0...FormData.maxFields).map { "f\($0)=1" }.joined(separator: "&")
        #expect {
            try FormData(parsing: text)
        } throws: { error in
            (error as? ConsoleError)?.message.contains("formMaxFields = \(FormData.maxFields)") == true
        }
    }

    @Test func cookiesAreFoundByExactName() {
        let header = "other=1; scimsync_admin_signin=abc; scimsync_admin=secret"
        #expect(Cookies.value(Cookies.session, in: header) == "secret")
        #expect(Cookies.value(Cookies.signIn, in: header) == "abc")
        #expect(Cookies.value(Cookies.session, in: nil) == nil)
    }

    @Test func theSessionCookieIsHttpOnlyStrictAndSecureOnlyOverHTTPS() {
        #expect(Cookies.set(Cookies.session, "s", secure: false).value == "scimsync_admin=s; Path=/admin; HttpOnly; SameSite=Strict")
        #expect(Cookies.set(Cookies.session, "s", secure: true).value.hasSuffix("; Secure"))
    }

    @Test func queryValuesAreEncodedAndBlanksLeftOut() {
        #expect(URLText.query([("directory", "R&D staff"), ("q", nil), ("page", "2")]) == "?directory=R%26D%20staff&page=2")
    }

    @Test func rulesProblemsLandBesideTheirFields() {
        #expect(RulesForm.fieldID(forProblemAt: "/groupSync/mappings/2/idpGroup") == "mapping-2")
        #expect(RulesForm.fieldID(forProblemAt: "/groupSync/filter/deny/0") == "deny")
        #expect(RulesForm.fieldID(forProblemAt: "/groupSync/nameTransform/replacement") == "group-pattern")
        #expect(RulesForm.fieldID(forProblemAt: "/userSync/attributeMapping/email/path") == "map-email")
        #expect(RulesForm.fieldID(forProblemAt: "") == "general")
    }

    @Test func theMappingTableKeepsFilledRowsOnly() throws {
        let form = try FormData(parsing: "idp-group=Eng&directory-groups=a%2C+b&idp-group=&directory-groups=&idp-group=Ops&directory-groups=")
        #expect(RulesForm.mappingRows(form) == [.init(idpGroup: "Eng", directoryGroups: "a, b"), .init(idpGroup: "Ops", directoryGroups: "")])
    }
}

@Suite struct MultipartFormTests {
    let body = Array(
        """
        --XyZ\r
        Content-Disposition: form-data; name="csrf"\r
        \r
        token\r
        --XyZ\r
        Content-Disposition: form-data; name="document"; filename="config.json"\r
        Content-Type: application/json\r
        \r
        {"format": "scimsync-configuration",\r
         "x": "--XY"}\r
        --XyZ--\r

        """.utf8
    )

    @Test func readsEachPartByName() throws {
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=XyZ") == "XyZ")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=\"XyZ\"") == "XyZ")
        #expect(MultipartForm.boundary(of: "multipart/form-data") == nil)
        let form = try MultipartForm.parse(body, boundary: "XyZ")
        #expect(form["csrf"] == "token")
        #expect(form["document"] == "{\"format\": \"scimsync-configuration\",\r\n \"x\": \"--XY\"}")
    }

    @Test func refusesABodyThatIsNotWhatItsBoundarySays() {
        #expect(throws: ConsoleError.self) { try MultipartForm.parse(body, boundary: "other") }
        #expect(throws: ConsoleError.self) { try MultipartForm.parse(Array(body.prefix(60)), boundary: "XyZ") }
        #expect(throws: ConsoleError.self) { try MultipartForm.parse([], boundary: "XyZ") }
    }

    @Test func sessionLifetimesComeFromTheEnvironment() {
        let settings = ConsoleSettings.from(environment: ["SCIMSYNC_ADMIN_IDLE_SECONDS": "2", "SCIMSYNC_ADMIN_SESSION_SECONDS": "0"])
        #expect(settings.sessionLifetime.idle == 2)
        #expect(settings.sessionLifetime.absolute == AdminSessionLifetime.standard.absolute)
    }
}
