import AppTraffic
import Foundation
import GRDB
import SyncRules

/// A token of an app, as listings show it (never the secret).
public struct AppToken: Sendable, Equatable, Codable {
    public var id: Int64
    public var hint: String
    public var createdAt: String
    public var expiresAt: String?
    public var revokedAt: String?
}

/// A token just created: the secret is in memory here and nowhere else.
public struct IssuedToken: Sendable {
    public var id: Int64
    public var secret: String

    /// How the audit names it: by id and hint, never the secret.
    var audited: String { "token \(id) (\(TokenSecret.hint(secret)))" }
}

/// The app a request's bearer token unlocked.
public struct AuthenticatedApp: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var directoryID: Int64
    /// The app's configured public URL (see ``App/baseURL``), if any.
    public var baseURL: String? = nil
    /// The app's provider profile (the dialect its requests are read in).
    public var provider: ProviderProfile = .generic
    /// The rate limit the admin set for the app, or nil: the responder's default applies.
    public var rateLimit: RateLimit? = nil
}

extension DirectoryStore {
    /// Issues a new token for the app.
    public func issueToken(app name: String, by actor: AdminActor) throws -> IssuedToken {
        try write { db in
            let app = try Self.existingApp(db, name)
            let token = try Self.issueToken(db, appID: app.id)
            try AuditContext(actor, app: app).record(db, operation: "token.issue", target: "App \(app.name)", detail: token.audited)
            return token
        }
    }

    /// Issues a new token; the app's other live tokens keep working for `graceMinutes`, then expire.
    public func rotateToken(app name: String, graceMinutes: Int, by actor: AdminActor) throws -> IssuedToken {
        guard graceMinutes >= 0 else { throw StoreError.invalid("the grace period must not be negative") }
        return try write { db in
            let app = try Self.existingApp(db, name)
            let deadline = Timestamp.string(Date().addingTimeInterval(TimeInterval(graceMinutes * 60)))
            try db.execute(
                sql: """
                    UPDATE app_token SET expires_at = ?
                    WHERE app_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
                    """,
                arguments: [deadline, app.id, deadline]
            )
            let expiring = db.changesCount
            let token = try Self.issueToken(db, appID: app.id)
            try AuditContext(actor, app: app).record(
                db,
                operation: "token.rotate",
                target: "App \(app.name)",
                detail: "\(token.audited) issued; \(expiring) earlier token(s) expire at \(deadline)"
            )
            return token
        }
    }

    /// Revokes one token (by id) or all of the app's tokens at once.
    public func revokeTokens(app name: String, tokenID: Int64?, by actor: AdminActor) throws {
        try write { db in
            let app = try Self.existingApp(db, name)
            var sql = "UPDATE app_token SET revoked_at = ? WHERE app_id = ? AND revoked_at IS NULL"
            var arguments: StatementArguments = [Timestamp.now(), app.id]
            if let tokenID {
                sql += " AND id = ?"
                _ = arguments.append(contentsOf: [tokenID])
            }
            let revoked = try Row.fetchAll(db, sql: sql + " RETURNING id, hint", arguments: arguments)
            if tokenID != nil, revoked.isEmpty {
                throw StoreError.notFound("live token \(tokenID!) of app '\(name)'")
            }
            guard !revoked.isEmpty else { return }
            try AuditContext(actor, app: app).record(
                db,
                operation: "token.revoke",
                target: "App \(app.name)",
                detail: revoked.map { "token \($0["id"] as Int64) (\($0["hint"] as String))" }.joined(separator: ", ")
            )
        }
    }

    public func tokens(app name: String) throws -> [AppToken] {
        try read { db in
            let appID = try Self.appID(db, name)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT id, hint, created_at, expires_at, revoked_at FROM app_token WHERE app_id = ? ORDER BY id
                    """,
                arguments: [appID]
            ).map {
                AppToken(
                    id: $0["id"],
                    hint: $0["hint"],
                    createdAt: $0["created_at"],
                    expiresAt: $0["expires_at"],
                    revokedAt: $0["revoked_at"]
                )
            }
        }
    }

    /// The enabled app named `appName` if `secret` is one of its live tokens, else `nil`.
    ///
    /// A token of another app never matches: the app is found through the token, then its name
    /// must be the one in the URL; a revoked token, or one whose hash has a tombstone (it was
    /// deleted once), never matches. Answers come from ``authCache`` while no app or token has
    /// changed since they were looked up, so only a cache miss reads the tombstones.
    public func authenticate(appName: String, secret: String) throws -> AuthenticatedApp? {
        let hash = tokenHashes.hash(of: secret)
        return try read { db in
            let epoch = try db.cachedStatement(sql: "SELECT value FROM auth_epoch WHERE id = 1").firstRow { $0.integer(0) } ?? 0
            let grant = try authCache.grant(hash: hash, epoch: epoch) { try Self.lookUpToken(db, hash: hash) }
            guard let grant, grant.appNameKey == appName.nameKey, grant.isLive(at: Date()) else { return nil }
            return grant.app
        }
    }

    private static func lookUpToken(_ db: Database, hash: String) throws -> TokenGrant? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT t.token_hash, t.expires_at, t.revoked_at, a.id, a.name, a.name_key, a.enabled, a.directory_id,
                               EXISTS (SELECT 1 FROM token_tombstone WHERE token_hash = t.token_hash),
                               a.base_url, a.provider, r.per_second, r.burst
                        FROM app_token t JOIN app a ON a.id = t.app_id LEFT JOIN app_rate_limit r ON r.app_id = a.id
                        WHERE t.token_hash = ?
                        """
                ),
                arguments: [hash]
            ),
            TokenSecret.constantTimeEquals(row[0], hash),
            row[6] as Bool,
            (row[2] as String?) == nil,
            // A deleted token's hash never authenticates again, whatever brought its row back.
            !(row[8] as Bool)
        else { return nil }
        // An expiry that cannot be read is taken as passed: a token never outlives an unreadable date.
        let stored: String? = row[1]
        let expiry = stored.map { (try? Date($0, strategy: Timestamp.parseStyle)) ?? .distantPast }
        return TokenGrant(
            app: AuthenticatedApp(
                id: row[3],
                name: row[4],
                directoryID: row[7],
                baseURL: row[9],
                provider: ProviderProfile(rawValue: row[10]) ?? .generic,
                rateLimit: (row[11] as Int?).map { RateLimit(perSecond: $0, burst: row[12]) }
            ),
            appNameKey: row[5],
            expiresAt: expiry
        )
    }

    private static func issueToken(_ db: Database, appID: Int64) throws -> IssuedToken {
        let secret = TokenSecret.generate()
        try db.execute(
            sql: "INSERT INTO app_token (app_id, token_hash, hint, created_at) VALUES (?, ?, ?, ?)",
            arguments: [appID, TokenSecret.hash(secret), TokenSecret.hint(secret), Timestamp.now()]
        )
        return IssuedToken(id: db.lastInsertedRowID, secret: secret)
    }

    static func existingApp(_ db: Database, _ name: String) throws -> App {
        guard let app = try app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
        return app
    }

    static func appID(_ db: Database, _ name: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM app WHERE name_key = ?", arguments: [name.nameKey]) else {
            throw StoreError.notFound("app '\(name)'")
        }
        return id
    }
}
