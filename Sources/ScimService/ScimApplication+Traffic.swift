import AppTraffic
import DirectoryStore
import Logging
import SCIM

extension ScimApplication {
    /// The 429 for an app past its rate limit (its bucket is shared by every responder process),
    /// with `Retry-After` in whole seconds; nil when the request may go on.
    func rateLimited(_ app: AuthenticatedApp) throws -> ServiceResponse? {
        guard let traffic else { return nil }
        let limit = try store.configuredRateLimit(appID: app.id) ?? defaultRateLimit
        guard case .limited(let seconds) = traffic.admit(TrafficKey(id: app.id, name: app.name), limit: limit) else { return nil }
        let error = ScimLimit(name: RateLimit.perSecondName, value: limit.perSecond).exceeded(
            "App \(app.name) sent more requests than its rate limit allows (\(limit.perSecond) per second, bursts of \(limit.burst)); "
                + "retry after \(seconds) s",
            status: 429,
            scimType: nil
        )
        var response = ServiceResponse.error(error)
        response.headers.append(("Retry-After", String(seconds)))
        return response
    }

    /// Counts the answer for its app (the traffic file; see ``RequestAttribution``), in the metrics, and logs it: one JSON
    /// line with the request id, app, method, path (never the query string, which holds filter
    /// values), status, duration and time in the database. Never a header or the body.
    func finish(_ request: ServiceRequest, _ response: ServiceResponse, attribution: RequestAttribution?, started: ContinuousClock.Instant) {
        let duration = started.duration(to: .now)
        let database = store.meter.take()
        if let attribution, let traffic {
            traffic.record(TrafficKey(id: attribution.id, name: attribution.name), TrafficOutcome(status: response.status))
        }
        metrics?.record(
            app: attribution?.name ?? "",
            endpoint: EndpointLabel.of(path: request.path),
            method: request.method,
            status: response.status,
            duration: duration,
            database: database
        )
        var metadata: Logger.Metadata = [
            "request_id": .string(request.headers.requestID ?? ""),
            "method": .string(Self.capped(request.method, 16)),
            "path": .string(Self.capped(request.path, 1024)),
            "status": .stringConvertible(response.status),
            "duration_ms": .stringConvertible(Self.milliseconds(duration)),
            "db_ms": .stringConvertible((database.database * 1e6).rounded() / 1e3),
        ]
        if let attribution {
            metadata["app"] = .string(attribution.name)
            if !attribution.authenticated { metadata["authenticated"] = .stringConvertible(false) }
        }
        logger.info("request", metadata: metadata)
    }

    /// `/metrics`: the Prometheus text exposition (the web server lets only loopback reach it).
    func metricsAnswer(_ request: ServiceRequest) -> ServiceResponse {
        guard let metrics else { return .error(.notFound("No SCIM endpoint at /metrics.")) }
        guard request.method == "GET" else { return .error(.methodNotAllowed(request.method, request.path)) }
        do {
            let body = try metrics.render(store: store, traffic: traffic)
            return ServiceResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: body)
        } catch {
            ServiceLog.error("metrics: \(error)")
            return .error(DirectoryStore.isBusy(error) ? .unavailable("The database is busy; retry the request.") : .internalError())
        }
    }

    private static func capped(_ text: String, _ bytes: Int) -> String {
        text.utf8.count <= bytes ? text : String(decoding: text.utf8.prefix(bytes), as: UTF8.self)
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        return Double(micros) / 1000
    }
}
