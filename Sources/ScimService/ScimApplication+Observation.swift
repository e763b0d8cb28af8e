import AppTraffic

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
            endpoint: EndpointLabel.of(segments: request.segments),
            method: request.method,
            status: response.status,
            duration: duration,
            database: database,
            cache: metricSeries
        )
        let line = RequestLogLine(
            requestID: request.headers.requestID ?? "",
            method: request.method,
            path: request.path,
            status: response.status,
            duration: duration,
            databaseSeconds: database.database,
            attribution: attribution
        )
        writeLog(line.bytes())
    }
}
