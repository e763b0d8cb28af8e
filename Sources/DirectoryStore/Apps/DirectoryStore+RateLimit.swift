import AppTraffic
import GRDB

extension DirectoryStore {
    /// The rate limit the admin set for the app `appID`, or nil: then the responder's default
    /// applies. One lookup by primary key, inside the request's snapshot.
    public func configuredRateLimit(appID: Int64) throws -> RateLimit? {
        try read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT per_second, burst FROM app_rate_limit WHERE app_id = ?"),
                arguments: [appID]
            )
            return row.map { RateLimit(perSecond: $0[0], burst: $0[1]) }
        }
    }

    /// The rate limit the admin set for the app `name`, or nil for the default.
    public func configuredRateLimit(appName name: String) throws -> RateLimit? {
        try read { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            return try Self.rateLimit(db, appID: app.id)
        }
    }

    package static func rateLimit(_ db: Database, appID: Int64) throws -> RateLimit? {
        try Row.fetchOne(db, sql: "SELECT per_second, burst FROM app_rate_limit WHERE app_id = ?", arguments: [appID])
            .map { RateLimit(perSecond: $0[0], burst: $0[1]) }
    }

    /// Keeps `limit` as the app's own, or with nil removes it.
    package static func storeRateLimit(_ db: Database, appID: Int64, _ limit: RateLimit?) throws {
        if let limit {
            try db.execute(
                sql: """
                    INSERT INTO app_rate_limit (app_id, per_second, burst) VALUES (?, ?, ?)
                    ON CONFLICT (app_id) DO UPDATE SET per_second = excluded.per_second, burst = excluded.burst
                    """,
                arguments: [appID, limit.perSecond, limit.burst]
            )
        } else {
            try db.execute(sql: "DELETE FROM app_rate_limit WHERE app_id = ?", arguments: [appID])
        }
    }

    /// Sets the app's rate limit, or with nil brings back the responder's default; audited.
    public func setRateLimit(appName name: String, _ limit: RateLimit?, by actor: AdminActor) throws {
        if let problem = limit?.problem { throw StoreError.invalid(problem) }
        try write { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            try Self.storeRateLimit(db, appID: app.id, limit)
            let shown = limit.map { "\($0.perSecond) per second, burst \($0.burst)" } ?? "default"
            try AuditContext(actor, app: app).record(db, operation: "app.set-rate-limit", target: "App \(app.name)", detail: shown)
        }
    }
}
