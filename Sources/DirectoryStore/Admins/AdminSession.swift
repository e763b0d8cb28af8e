import Crypto
import Foundation
import GRDB

/// A signed-in console session: its secret is the cookie's value, shown to the browser only;
/// the store keeps its SHA-256 (as it does for bearer tokens), so a copy of the database opens
/// no session.
public struct AdminSession: Sendable, Equatable {
    public var admin: AdminAccount
    /// The token every form of this session carries (compared in constant time).
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
}

/// A session just opened: the secret goes in the cookie, once.
public struct OpenedAdminSession: Sendable {
    public var secret: String
    public var session: AdminSession
}

/// How long a session lasts: ``idle`` without a request, ``absolute`` in all.
public struct AdminSessionLifetime: Sendable, Equatable {
    public var idle: TimeInterval
    public var absolute: TimeInterval

    public init(idle: TimeInterval, absolute: TimeInterval) {
        self.idle = idle
        self.absolute = absolute
    }

    /// 30 minutes idle, 12 hours in all (OWASP's session management guidance for admin tools).
    public static let standard = AdminSessionLifetime(idle: 30 * 60, absolute: 12 * 3600)
}

extension DirectoryStore {
    /// Opens a session for `admin`, and forgets sessions that expired.
    public func openAdminSession(for admin: AdminAccount, lifetime: AdminSessionLifetime, now: Date = Date()) throws -> OpenedAdminSession {
        let secret = Self.randomSecret()
        let csrf = Self.randomSecret()
        try write { db in
            try Self.deleteExpiredSessions(db, lifetime: lifetime, now: now)
            try db.execute(
                sql: "INSERT INTO admin_session (secret_hash, admin_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [TokenSecret.hash(secret), admin.id, csrf, now.timeIntervalSince1970, now.timeIntervalSince1970]
            )
        }
        return OpenedAdminSession(secret: secret, session: AdminSession(admin: admin, csrfToken: csrf, createdAt: now, lastSeenAt: now))
    }

    /// The live session whose secret is `secret`, its last use moved to `now`; nil when there is
    /// none or it expired (an expired one is deleted).
    public func adminSession(secret: String, lifetime: AdminSessionLifetime, now: Date = Date()) throws -> AdminSession? {
        let hash = TokenSecret.hash(secret)
        return try write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT a.id, a.name, a.role, a.created_at, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at
                        FROM admin_session s JOIN admin a ON a.id = s.admin_id WHERE s.secret_hash = ?
                        """,
                    arguments: [hash]
                )
            else { return nil }
            let session = AdminSession(
                admin: Self.admin(row),
                csrfToken: row["csrf_token"],
                createdAt: Date(timeIntervalSince1970: row["session_created_at"]),
                lastSeenAt: Date(timeIntervalSince1970: row["last_seen_at"])
            )
            guard !lifetime.hasExpired(session, now: now) else {
                try db.execute(sql: "DELETE FROM admin_session WHERE secret_hash = ?", arguments: [hash])
                return nil
            }
            try db.execute(sql: "UPDATE admin_session SET last_seen_at = ? WHERE secret_hash = ?", arguments: [now.timeIntervalSince1970, hash])
            var touched = session
            touched.lastSeenAt = now
            return touched
        }
    }

    /// Ends the session (sign-out); an unknown secret changes nothing.
    public func closeAdminSession(secret: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM admin_session WHERE secret_hash = ?", arguments: [TokenSecret.hash(secret)]) }
    }

    private static func deleteExpiredSessions(_ db: Database, lifetime: AdminSessionLifetime, now: Date) throws {
        let now = now.timeIntervalSince1970
        try db.execute(
            sql: "DELETE FROM admin_session WHERE last_seen_at < ? OR created_at < ?",
            arguments: [now - lifetime.idle, now - lifetime.absolute]
        )
    }

    /// 256 random bits, base64url (43 characters): session secrets and CSRF tokens.
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension AdminSessionLifetime {
    /// Whether `session` is past its idle or its absolute expiry at `now`.
    public func hasExpired(_ session: AdminSession, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeenAt) > idle || now.timeIntervalSince(session.createdAt) > absolute
    }
}
