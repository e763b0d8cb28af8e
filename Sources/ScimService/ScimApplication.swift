import AppTraffic
import DirectoryStore
import Foundation
import Logging
import SCIM
import SyncRules

/// The SCIM service provider: routes `/scim/<app>/v2/...`, authenticates the app's bearer
/// token, applies the app's rate limit, and answers with SCIM JSON; `/health` and `/metrics`
/// at the root are for the operator. Knows nothing of FastCGI or HTTP servers.
public final class ScimApplication: Sendable {
    let store: DirectoryStore
    private let users: UsersEndpoint
    private let groups: GroupsEndpoint
    private let discovery = DiscoveryEndpoint()
    /// Each app's rate limit and counters, shared with every responder process; nil: neither.
    let traffic: TrafficFile?
    /// Nil: no `/metrics`.
    let metrics: ServiceMetrics?
    /// This worker's handles of the request series in ``metrics``.
    let metricSeries = ServiceMetrics.SeriesCache()
    /// The rate limit of an app without one of its own.
    let defaultRateLimit: RateLimit
    /// Gets the log line of each request (see ``finish(_:_:attribution:started:)``), newline included.
    let writeLog: @Sendable ([UInt8]) -> Void
    /// Other APIs served beside SCIM, each under its own path (the Crowd API, the admin console).
    let mounts: [ServiceMount]

    public init(
        store: DirectoryStore,
        traffic: TrafficFile? = nil,
        metrics: ServiceMetrics? = nil,
        defaultRateLimit: RateLimit = .standard,
        writeLog: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.standardError,
        mounts: [ServiceMount] = []
    ) {
        self.store = store
        self.users = UsersEndpoint(store: store)
        self.groups = GroupsEndpoint(store: store)
        self.traffic = traffic
        self.metrics = metrics
        self.defaultRateLimit = defaultRateLimit
        self.writeLog = writeLog
        self.mounts = mounts
    }

    /// Answers one request; every answer carries the request's id in `X-Request-Id`, and is
    /// counted, measured and logged.
    public func respond(to request: ServiceRequest) -> ServiceResponse {
        let started = ContinuousClock.now
        _ = store.meter.take()
        var request = request
        let requestID = RequestOrigin.requestID(request.headers.requestID)
        request.headers.requestID = requestID
        var attribution: RequestAttribution?
        var response = answer(request, attribution: &attribution)
        response.headers.append(("X-Request-Id", requestID))
        finish(request, response, attribution: attribution, started: started)
        return response
    }

    private func answer(_ request: ServiceRequest, attribution: inout RequestAttribution?) -> ServiceResponse {
        switch request.path {
        case "/health": return HealthEndpoint.answer(request, databasePath: store.path)
        case "/metrics": return metricsAnswer(request)
        default: break
        }
        if let mount = mounts.first(where: { $0.serves(request.path) }) { return mount.respond(request) }
        do {
            return try route(request, attribution: &attribution)
        } catch {
            if let answer = ScimError(answering: error) { return .error(answer) }
            // The path is the client's text: the id and method are enough to find the request.
            ServiceLog.error("request \(request.headers.requestID ?? "-") \(request.method): \(error)")
            return .error(.internalError())
        }
    }

    /// A GET is answered from one database snapshot; writes take their own transactions.
    private func route(_ request: ServiceRequest, attribution: inout RequestAttribution?) throws -> ServiceResponse {
        guard request.method == "GET" else { return try routeRequest(request, attribution: &attribution) }
        return try store.snapshot { try routeRequest(request, attribution: &attribution) }
    }

    private func routeRequest(_ request: ServiceRequest, attribution: inout RequestAttribution?) throws -> ServiceResponse {
        let segments = request.segments
        guard segments.count >= 3, segments[0] == "scim", segments[2] == "v2",
            let appName = QueryString.decode(segments[1], plusIsSpace: false)
        else {
            throw ScimError.notFound("No SCIM endpoint at \(request.path); SCIM base URLs look like /scim/<app>/v2.")
        }
        let app: AuthenticatedApp
        do {
            app = try authenticate(request, appName: appName)
        } catch let error as ScimError where error.status == 401 {
            // A refused token still counts for the app its URL names, if there is one: an IdP
            // whose token expired is still pushing, and the operator should see it.
            attribution = try store.app(named: appName).map { RequestAttribution(id: $0.id, name: $0.name, authenticated: false) }
            throw error
        }
        attribution = RequestAttribution(id: app.id, name: app.name, authenticated: true)
        if let refusal = rateLimited(app) { return refusal }
        let origin = RequestOrigin.base(configured: app.baseURL, scheme: request.headers.scheme, host: request.headers.host)
        let context = RequestContext(request: request, app: app, baseURL: "\(origin)/scim/\(app.name)/v2")
        return try dispatch(segments.dropFirst(3).map(String.init), context)
    }

    /// Routes a request under the base URL; `/Bulk` calls back here for each of its operations.
    func dispatch(_ rest: [String], _ context: RequestContext) throws -> ServiceResponse {
        let request = context.request
        guard let resource = rest.first else {
            throw ScimError.notFound("Name a resource under the base URL, such as /Users.")
        }
        switch resource {
        case "Users":
            return try users.handle(request.method, Array(rest.dropFirst()), context)
        case "Groups":
            return try groups.handle(request.method, Array(rest.dropFirst()), context)
        case ".search" where rest.count == 1:
            guard request.method == "POST" else { throw ScimError.methodNotAllowed(request.method, request.path) }
            return try searchAll(context)
        case "Bulk" where rest.count == 1:
            guard request.method == "POST" else { throw ScimError.methodNotAllowed(request.method, request.path) }
            return try BulkEndpoint(store: store, dispatch: dispatch).handle(context)
        case "ServiceProviderConfig", "ResourceTypes", "Schemas":
            guard request.method == "GET" else { throw ScimError.methodNotAllowed(request.method, request.path) }
            return try discovery.handle(resource, Array(rest.dropFirst()), context)
        default:
            throw ScimError.notFound("No SCIM endpoint at \(request.path).")
        }
    }

    /// `POST /.search` (RFC 7644 §3.4.3): users, then groups, paged as one sequence.
    private func searchAll(_ context: RequestContext) throws -> ServiceResponse {
        let query = try ListQuery.parse(searchBody: try context.jsonBody(), resourceType: nil)
        guard query.cursor == nil else {
            throw ScimError.invalidValue("Cursor pagination is offered on /Users and /Groups; search them separately.")
        }
        var userQuery = query
        userQuery.projection = query.projection.scoped(to: .user)
        let userPage = try store.scimUsers(appID: context.app.id, query: userQuery)
        var groupQuery = query
        groupQuery.projection = query.projection.scoped(to: .group)
        groupQuery.startIndex = max(1, query.startIndex - userPage.totalResults)
        groupQuery.count = max(0, query.count - userPage.resources.count)
        let groupPage = try store.scimGroups(appID: context.app.id, query: groupQuery)
        var output = ListResponseWriter(totalResults: userPage.totalResults + groupPage.totalResults, startIndex: query.startIndex)
        let shownUsers = try users.append(userPage.resources, userQuery.projection, to: &output, context)
        if shownUsers == userPage.resources.count {
            try groups.append(groupPage.resources, groupQuery.projection, to: &output, context)
        }
        return .json(200, output.finish())
    }

    /// `Authorization: Bearer <token>` must hold a live token of the app named in the URL.
    private func authenticate(_ request: ServiceRequest, appName: String) throws -> AuthenticatedApp {
        guard let header = request.headers.authorization else { throw ScimError.unauthorized() }
        guard let space = header.utf8.firstIndex(of: UInt8(ascii: " ")), String(header[..<space]).caseInsensitiveEquals("bearer") else {
            throw ScimError.unauthorized("The Authorization header must be 'Bearer <token>'.")
        }
        let secret = String(header[header.index(after: space)...]).trimmingSpaces
        guard !secret.isEmpty, let app = try store.authenticate(appName: appName, secret: secret) else {
            throw ScimError.unauthorized("The bearer token is not valid for this app.")
        }
        return app
    }
}
