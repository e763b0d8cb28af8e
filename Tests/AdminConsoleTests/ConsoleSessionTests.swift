import DirectoryStore
import Foundation
import ScimService
import TestSupport
import Testing

@testable import AdminConsole

/// The console in-process on a real SQLite file: sign-in, the session cookie, CSRF, expiry.
@Suite struct ConsoleSessionTests {
    let temporary: TemporaryDirectory
    let store: DirectoryStore
    let console: AdminConsole
    let password = ConsoleFixture.password

    /// The standard lifetime: the tests run side by side on two cores, and a test can wait a
    /// minute between its sign-in and its next request (expiry has tests with a clock of their own).
    init() throws {
        (temporary, store, console) = try ConsoleFixture.make(
            settings: ConsoleSettings(sessionLifetime: .standard, signInLimits: .standard)
        )
    }

    func send(_ method: String, _ path: String, form: String = "", cookie: String? = nil) -> ServiceResponse {
        console.answer(
            ServiceRequest(
                method: method,
                path: path,
                headers: RequestHeaders(contentType: "application/x-www-form-urlencoded", cookie: cookie, remoteAddress: "192.0.2.1"),
                body: .bytes(Array(form.utf8))
            )
        )
    }

    func header(_ response: ServiceResponse, _ name: String) -> [String] {
        response.headers.filter { $0.name == name }.map(\.value)
    }

    /// Signs in; returns the session cookie and the session's CSRF token.
    func signIn() throws -> (cookie: String, csrf: String) {
        let page = send("GET", "/admin/sign-in")
        let token = try #require(header(page, "Set-Cookie").first?.split(separator: ";").first?.split(separator: "=").last)
        let signedIn = send(
            "POST",
            "/admin/sign-in",
            form: "csrf=\(token)&name=ada&password=correct+horse+battery",
            cookie: "scimsync_admin_signin=\(token)"
        )
        #expect(signedIn.status == 303)
        let cookie = try #require(header(signedIn, "Set-Cookie").first { $0.hasPrefix("scimsync_admin=") }?.split(separator: ";").first)
        let overview = String(decoding: send("GET", "/admin/", cookie: String(cookie)).body, as: UTF8.self)
        let csrf = try #require(overview.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        return (String(cookie), String(csrf))
    }

    @Test func withoutASessionEveryPageGoesToSignIn() {
        let answer = send("GET", "/admin/apps/okta")
        #expect(answer.status == 303)
        #expect(header(answer, "Location") == ["/admin/sign-in"])
        #expect(send("POST", "/admin/apps/okta/disable").status == 303)
    }

    @Test func aPostNeedsTheSessionsCSRFToken() throws {
        let (cookie, csrf) = try signIn()
        #expect(send("POST", "/admin/apps/okta/disable", cookie: cookie).status == 403)
        #expect(send("POST", "/admin/apps/okta/disable", form: "csrf=\(String(repeating: "A", count: csrf.count))", cookie: cookie).status == 403)
        #expect(try store.app(named: "okta")?.enabled == true)
        #expect(send("POST", "/admin/apps/okta/disable", form: "csrf=\(csrf)", cookie: cookie).status == 303)
        #expect(try store.app(named: "okta")?.enabled == false)
        let audit = try store.auditEntries(AuditQuery(actor: "ada", limit: 5))
        #expect(audit.contains { $0.operation == "app.disable" && $0.actor == "ada (console)" })
    }

    @Test func onlyGetAndPostAreTaken() throws {
        let (cookie, _) = try signIn()
        for method in ["PUT", "PATCH", "DELETE", "HEAD"] {
            #expect(send(method, "/admin/apps/okta/disable", cookie: cookie).status == 405)
        }
        #expect(try store.app(named: "okta")?.enabled == true)
    }

    @Test func aSCIMBearerTokenOpensNothing() throws {
        let token = try store.issueToken(app: "okta", by: .test).secret
        let answer = console.answer(
            ServiceRequest(method: "GET", path: "/admin/", headers: RequestHeaders(authorization: "Bearer \(token)"))
        )
        #expect(answer.status == 303)
    }

    @Test func theSignInFormNeedsItsOwnToken() {
        #expect(send("POST", "/admin/sign-in", form: "name=ada&password=correct+horse+battery").status == 403)
    }

    @Test func aSessionExpiresWhenIdleAndInAll() throws {
        let admin = try #require(try store.admins().first)
        let lifetime = AdminSessionLifetime(idle: 60, absolute: 3600)
        let start = Date()
        let opened = try store.openAdminSession(for: admin, lifetime: lifetime, now: start)
        #expect(try store.adminSession(secret: opened.secret, lifetime: lifetime, now: start.addingTimeInterval(59)) != nil)
        // Idle: more than a minute after the last use.
        #expect(try store.adminSession(secret: opened.secret, lifetime: lifetime, now: start.addingTimeInterval(59 + 61)) == nil)
        // Expired sessions are deleted: the secret is dead even back in time.
        #expect(try store.adminSession(secret: opened.secret, lifetime: lifetime, now: start) == nil)
        let kept = try store.openAdminSession(for: admin, lifetime: lifetime, now: start)
        var now = start
        for _ in 0..<70 {
            now = now.addingTimeInterval(50)
            guard try store.adminSession(secret: kept.secret, lifetime: lifetime, now: now) != nil else { break }
        }
        #expect(now.timeIntervalSince(start) <= 3600 + 50)
    }

    @Test func signOutEndsTheSession() throws {
        let (cookie, csrf) = try signIn()
        #expect(send("POST", "/admin/sign-out", form: "csrf=\(csrf)", cookie: cookie).status == 303)
        #expect(send("GET", "/admin/", cookie: cookie).status == 303)
    }

    @Test func passwordsAreCheckedAndStoredHashed() throws {
        #expect(try store.checkAdminPassword(name: "ada", password: password)?.name == "ada")
        #expect(try store.checkAdminPassword(name: "ada", password: "wrong password!") == nil)
        #expect(try store.checkAdminPassword(name: "nobody", password: password) == nil)
        #expect(throws: StoreError.self) { try store.createAdmin(name: "bob", password: "short", role: .admin, by: .test) }
        let hash = try PasswordHash.make(password)
        #expect(hash.hasPrefix("scrypt$65536$8$2$") && !hash.contains(password))
        #expect(PasswordHash.verify(password, against: hash))
        #expect(!PasswordHash.verify(password, against: "scrypt$2$1$1$AA==$AA=="))
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() {
        let answer = send("GET", "/admin/sign-in")
        #expect(header(answer, "X-Frame-Options") == ["DENY"])
        #expect(header(answer, "Cache-Control") == ["no-store"])
        #expect(header(answer, "Content-Security-Policy").first?.contains("frame-ancestors 'none'") == true)
    }
}
