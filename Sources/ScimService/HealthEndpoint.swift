import DirectoryStore
import Foundation
import SCIM
import Synchronization

/// `GET /health`, unauthenticated, for load balancers: 200 when the database can be read and
/// written and its schema is current, 503 otherwise, with a small JSON body saying which. It says
/// nothing else (no counts, no names, no paths); the reason of a 503 goes to the log.
enum HealthEndpoint {
    /// A check opens a connection and takes the write lock for a moment: probes within a second
    /// share one check, so a flood of them costs the writers nothing.
    private static let freshness: Duration = .seconds(1)
    private static let last = Mutex<(at: ContinuousClock.Instant, health: DatabaseHealth)?>(nil)

    static func answer(_ request: ServiceRequest, databasePath: String) -> ServiceResponse {
        guard request.method == "GET" || request.method == "HEAD" else { return .error(.methodNotAllowed(request.method, request.path)) }
        let health = current(databasePath)
        let body: JSONValue = .object(
            JSONObject([
                ("status", .string(health.healthy ? "ok" : "unavailable")),
                ("readable", .bool(health.readable)),
                ("writable", .bool(health.writable)),
                ("schemaCurrent", .bool(health.schemaCurrent)),
            ])
        )
        return ServiceResponse(
            status: health.healthy ? 200 : 503,
            headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
            body: JSONWriter.serialize(body)
        )
    }

    private static func current(_ path: String) -> DatabaseHealth {
        let now = ContinuousClock.now
        if let cached = last.withLock({ $0 }), cached.at.duration(to: now) < freshness { return cached.health }
        let health = DatabaseHealth.check(path: path)
        if !health.healthy { ServiceLog.error("health: \(health.problem ?? "unhealthy")") }
        last.withLock { $0 = (now, health) }
        return health
    }
}
