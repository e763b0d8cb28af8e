import Foundation
import GRDB

/// How many failed sign-ins the console takes before it refuses more for a while: per account
/// (a guessed password) and per client address (many accounts tried from one place).
public struct SignInLimits: Sendable, Equatable {
    public var failuresPerAccount: Int
    public var failuresPerAddress: Int
    /// Failures count within this window from the first one; past it they are forgotten.
    public var window: TimeInterval

    public init(failuresPerAccount: Int, failuresPerAddress: Int, window: TimeInterval) {
        self.failuresPerAccount = failuresPerAccount
        self.failuresPerAddress = failuresPerAddress
        self.window = window
    }

    /// 5 failures per account and 20 per address in 15 minutes.
    public static let standard = SignInLimits(failuresPerAccount: 5, failuresPerAddress: 20, window: 15 * 60)
}

extension DirectoryStore {
    /// Seconds until a sign-in as `name` from `address` is taken again, or nil if it is now.
    public func signInWait(name: String, address: String, limits: SignInLimits, now: Date = Date()) throws -> TimeInterval? {
        try read { db in
            var wait: TimeInterval?
            for (key, limit) in Self.throttleKeys(name: name, address: address, limits) {
                guard let row = try Row.fetchOne(db, sql: "SELECT failures, first_at FROM admin_sign_in_failure WHERE key = ?", arguments: [key])
                else { continue }
                let ends = (row["first_at"] as Double) + limits.window - now.timeIntervalSince1970
                if (row["failures"] as Int) >= limit, ends > 0 { wait = max(wait ?? 0, ends) }
            }
            return wait
        }
    }

    /// Counts one failed sign-in as `name` from `address`, audited.
    public func recordSignInFailure(name: String, address: String, limits: SignInLimits, now: Date = Date()) throws {
        try write { db in
            let now = now.timeIntervalSince1970
            // Every expired count goes, not only this name's: a name tried once (any text a client
            // sends) would otherwise stay in the table for good.
            try db.execute(sql: "DELETE FROM admin_sign_in_failure WHERE first_at < ?", arguments: [now - limits.window])
            for (key, _) in Self.throttleKeys(name: name, address: address, limits) {
                try db.execute(
                    sql: """
                        INSERT INTO admin_sign_in_failure (key, failures, first_at) VALUES (?, 1, ?)
                        ON CONFLICT (key) DO UPDATE SET failures = failures + 1
                        """,
                    arguments: [key, now]
                )
            }
            try AuditContext(AdminActor.console(name)).record(
                db,
                operation: "admin.sign-in",
                target: "Admin \(AuditEntry.capped(name, toBytes: AdminActor.maxNameBytes))",
                outcome: "refused",
                detail: "wrong name or password, from \(address)"
            )
        }
    }

    /// A successful sign-in: forgets the account's failures, audited.
    public func recordSignIn(_ admin: AdminAccount, address: String) throws {
        try write { db in
            try db.execute(
                sql: "DELETE FROM admin_sign_in_failure WHERE key = ?",
                arguments: [Self.throttleKeys(name: admin.name, address: address, .standard)[0].0]
            )
            try AuditContext(AdminActor.console(admin.name)).record(
                db,
                operation: "admin.sign-in",
                target: "Admin \(admin.name)",
                detail: "from \(address)"
            )
        }
    }

    private static func throttleKeys(name: String, address: String, _ limits: SignInLimits) -> [(String, Int)] {
        // Keys are capped (no account or address is longer): a sign-in form's name may be a megabyte.
        [
            ("account:" + AuditEntry.capped(name.nameKey, toBytes: AdminActor.maxNameBytes), limits.failuresPerAccount),
            ("address:" + AuditEntry.capped(addressKey(address), toBytes: AdminActor.maxNameBytes), limits.failuresPerAddress),
        ]
    }
}

extension DirectoryStore {
    /// The client a failure is counted for: an IPv4 address as it is, an IPv6 address by its /64
    /// (one host is usually given a whole /64, and could otherwise try from 2^64 addresses).
    static func addressKey(_ address: String) -> String {
        var bytes = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        let prefix = withUnsafeBytes(of: &bytes) { Array($0.prefix(8)) }
        // An IPv4-mapped address (::ffff:a.b.c.d) is one IPv4 client.
        if prefix.allSatisfy({ $0 == 0 }) { return address }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(prefix[$0]) << 8 | UInt16(prefix[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    /// How many failed sign-ins are being counted (one row per account name and per address).
    public func signInFailureKeys() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM admin_sign_in_failure") ?? 0 }
    }

    /// Audits a copy of the data an admin took away (a console export or backup download):
    /// nothing changes, but who took the token hashes and personal data is on record.
    public func recordDownload(_ operation: String, target: String, detail: String? = nil, by actor: AdminActor) throws {
        try write { db in try AuditContext(actor).record(db, operation: operation, target: target, detail: detail) }
    }
}

extension AdminActor {
    /// An admin acting through the web console, as the audit names them: `alice (console)`.
    public static func console(_ name: String) -> AdminActor {
        AdminActor("\(AuditEntry.capped(name, toBytes: maxNameBytes - 10)) (console)")
    }
}
