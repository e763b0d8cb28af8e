import DirectoryStore
import SCIM

extension ScimApplication {
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
}
