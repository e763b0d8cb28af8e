import AppTraffic
import Logging

extension ScimApplication {
    /// Counts the answer for its app (in the traffic file; see ``RequestAttribution``) and in the
    /// metrics, and logs it: one JSON line with the request id, app, method, path (never the
    /// query string, which holds filter values), status, duration and time in the database.
    /// Never a header or the body.
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
            database: database,
            cache: metricSeries
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

    private static func capped(_ text: String, _ bytes: Int) -> String {
        text.utf8.count <= bytes ? text : String(decoding: text.utf8.prefix(bytes), as: UTF8.self)
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        return Double(micros) / 1000
    }
}
