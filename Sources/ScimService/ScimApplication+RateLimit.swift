import AppTraffic
import DirectoryStore
import SCIM

extension ScimApplication {
    /// The 429 for an app past its rate limit (its bucket is shared by every responder process),
    /// with `Retry-After` in whole seconds; nil when the request may go on.
    func rateLimited(_ app: AuthenticatedApp) -> ServiceResponse? {
        guard let traffic else { return nil }
        let limit = app.rateLimit ?? defaultRateLimit
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
}
