import DirectoryStore
import Foundation
import ScimService
import TestSupport
import Testing

@testable import AdminConsole

/// What the security review found: numbers that overflowed, sign-in failures that were never
/// forgotten, downloads that left no trace.
@Suite struct ConsoleReviewTests {
    let temporary: TemporaryDirectory
    let store: DirectoryStore
    let console: AdminConsole
    let password = "correct horse battery"

    init() throws {
        temporary = try TemporaryDirectory()
        store = try DirectoryStore(path: temporary.path("scimsync.sqlite"))
        try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: .test)
        try store.createAdmin(name: "ada", password: password, role: .admin, by: .test)
        try store.createAdmin(name: "reader", password: password, role: .readOnly, by: .test)
        console = AdminConsole(store: store)
    }

    func send(_ method: String, _ path: String, query: String = "", form: String = "", cookie: String? = nil) -> ServiceResponse {
        console.answer(
            ServiceRequest(
                method: method,
                path: path,
                query: query,
                headers: RequestHeaders(contentType: "application/x-www-form-urlencoded", cookie: cookie, remoteAddress: "192.0.2.1"),
                body: .bytes(Array(form.utf8))
            )
        )
    }

    /// Signs `name` in; returns the session cookie and the session's CSRF token.
    func signIn(_ name: String) throws -> (cookie: String, csrf: String) {
        let opened = try store.openAdminSession(for: try #require(store.admins().first { $0.name == name }), lifetime: .standard)
        return ("scimsync_admin=\(opened.secret)", opened.session.csrfToken)
    }

    func text(_ response: ServiceResponse) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    /// `page × 50` trapped on a huge page number: any signed-in account, a read-only one too,
    /// stopped the responder (and every SCIM request in it) with one GET.
    @Test func aHugePageNumberIsAnswered() throws {
        let (cookie, _) = try signIn("reader")
        for path in ["/admin/audit", "/admin/directory", "/admin/directory/groups"] {
            for page in [String(Int.max), String(Int.max / 50 + 1), "-9223372036854775808"] {
                let answer = send("GET", path, query: "page=\(page)", cookie: cookie)
                #expect(answer.status == 200, "\(path)?page=\(page)")
            }
        }
        let audit = text(send("GET", "/admin/audit", query: "page=\(Int.max)", cookie: cookie))
        #expect(audit.contains("Page 1000000"))
    }

    /// `2 × rate` trapped on a huge rate when the burst was left empty.
    @Test func aHugeRateLimitIsRefusedNotATrap() throws {
        for rate in [String(Int.max), String(Int.min), String(Int.max / 2 + 1)] {
            guard case .failure = AdminConsole.rateLimit(perSecond: rate, burst: nil) else {
                Issue.record("rate \(rate) was taken")
                continue
            }
        }
        let (cookie, csrf) = try signIn("ada")
        let answer = send("POST", "/admin/apps/okta/settings", form: "csrf=\(csrf)&directory=Corp&per-second=\(Int.max)", cookie: cookie)
        #expect(answer.status == 400)
        #expect(text(answer).contains("--per-second must be between"))
    }

    /// Each failed sign-in under a new name left a row that nothing ever deleted (only the same
    /// name's next failure did): a client could grow the database without end, a megabyte a try.
    @Test func expiredSignInFailuresAreForgottenWhateverTheirName() throws {
        let limits = SignInLimits.standard
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<10 {
            try store.recordSignInFailure(name: "guess-\(index)", address: "198.51.100.\(index)", limits: limits, now: start)
        }
        #expect(try store.signInFailureKeys() == 20)
        try store.recordSignInFailure(name: "later", address: "203.0.113.1", limits: limits, now: start.addingTimeInterval(limits.window + 1))
        #expect(try store.signInFailureKeys() == 2)
    }

    @Test func aLongSignInNameIsCountedUnderACappedKey() throws {
        let limits = SignInLimits.standard
        let long = String(repeating: "x", count: 100_000)
        for _ in 0..<limits.failuresPerAccount {
            try store.recordSignInFailure(name: long + "a", address: "198.51.100.7", limits: limits)
        }
        // Names that differ only past the cap are one key: the limit still holds for them.
        #expect(try store.signInWait(name: long + "b", address: "198.51.100.8", limits: limits) != nil)
    }

    /// Exports and backups hold token hashes, password hashes and personal data: who took one
    /// through the console is audited, as every change is.
    @Test func downloadsAreAudited() throws {
        let (cookie, _) = try signIn("ada")
        #expect(send("GET", "/admin/configuration/export", query: "redact=1", cookie: cookie).status == 200)
        #expect(send("GET", "/admin/configuration/backup", cookie: cookie).status == 200)
        let entries = try store.auditEntries(AuditQuery(actor: "ada", limit: 10))
        #expect(
            entries.contains { $0.operation == "config.export" && $0.actor == "ada (console)" && $0.detail?.contains("without token hashes") == true }
        )
        #expect(entries.contains { $0.operation == "backup" && $0.actor == "ada (console)" })
    }
}

/// A stored hash is data: one with absurd scrypt parameters is refused at once, not computed.
@Suite struct StoredHashParameterTests {
    @Test func absurdScryptParametersAreNotComputed() {
        let salt = Data(repeating: 1, count: 16).base64EncodedString()
        let key = Data(repeating: 2, count: 32).base64EncodedString()
        // 1 GiB of memory and 8 times the work of today's parameters, for every sign-in as this name.
        let stored = "scrypt$1048576$8$1$\(salt)$\(key)"
        let started = ContinuousClock.now
        #expect(PasswordHash.verify("correct horse battery", against: stored) == false)
        #expect(ContinuousClock.now - started < .milliseconds(300))
    }

    @Test func todaysParametersStillVerify() throws {
        let stored = try PasswordHash.make("correct horse battery")
        #expect(PasswordHash.verify("correct horse battery", against: stored))
        #expect(!PasswordHash.verify("correct horse battery!", against: stored))
    }
}

/// The per-address sign-in limit counts an IPv6 client by its /64: a host given a /64 could
/// otherwise try from as many addresses as it likes.
@Suite struct SignInAddressTests {
    @Test func anIPv6ClientIsCountedByItsSlash64() throws {
        let temporary = try TemporaryDirectory()
        let store = try DirectoryStore(path: temporary.path("scimsync.sqlite"))
        let limits = SignInLimits.standard
        for index in 1...limits.failuresPerAddress {
            try store.recordSignInFailure(name: "spray-\(index)", address: "2001:db8:1:2::\(String(index, radix: 16))", limits: limits)
        }
        #expect(try store.signInWait(name: "another", address: "2001:db8:1:2:ffff::1", limits: limits) != nil)
        #expect(try store.signInWait(name: "another", address: "2001:db8:1:3::1", limits: limits) == nil)
        #expect(try store.signInWait(name: "another", address: "192.0.2.1", limits: limits) == nil)
    }

    @Test func ipv4AndMappedAddressesAreCountedWhole() throws {
        let temporary = try TemporaryDirectory()
        let store = try DirectoryStore(path: temporary.path("scimsync.sqlite"))
        let limits = SignInLimits.standard
        for index in 1...limits.failuresPerAddress {
            try store.recordSignInFailure(name: "spray-\(index)", address: "::ffff:192.0.2.1", limits: limits)
        }
        #expect(try store.signInWait(name: "another", address: "::ffff:192.0.2.1", limits: limits) != nil)
        #expect(try store.signInWait(name: "another", address: "::ffff:192.0.2.2", limits: limits) == nil)
    }
}

/// Sign-ins that would hash past the gate are answered 503 at once: no hash, no failure counted.
@Suite struct SignInGateTests {
    @Test func aSignInPastTheGateIsAnsweredBusy() throws {
        let temporary = try TemporaryDirectory()
        let store = try DirectoryStore(path: temporary.path("scimsync.sqlite"))
        try store.createAdmin(name: "ada", password: "correct horse battery", role: .admin, by: .test)
        let gate = SignInGate(limit: 1)
        let console = AdminConsole(store: store, signInGate: gate)
        func signIn() -> ServiceResponse {
            console.answer(
                ServiceRequest(
                    method: "POST",
                    path: "/admin/sign-in",
                    headers: RequestHeaders(
                        contentType: "application/x-www-form-urlencoded",
                        cookie: "scimsync_admin_signin=\(String(repeating: "t", count: 43))",
                        remoteAddress: "192.0.2.1"
                    ),
                    body: .bytes(Array("csrf=\(String(repeating: "t", count: 43))&name=ada&password=correct+horse+battery".utf8))
                )
            )
        }
        #expect(gate.enter())
        let busy = signIn()
        #expect(busy.status == 503)
        #expect(busy.headers.contains { $0.name == "Retry-After" })
        #expect(!busy.headers.contains { $0.name == "Set-Cookie" && $0.value.hasPrefix("scimsync_admin=") })
        #expect(try store.signInFailureKeys() == 0)
        gate.leave()
        #expect(signIn().status == 303)
    }
}
