import DirectoryStore
import Foundation
import SCIM

/// `/Users`: create, read, list and search, replace, patch, delete (RFC 7644 §3).
struct UsersEndpoint: ResourceEndpoint {
    let store: DirectoryStore
    private let type = ResourceType.user
    let responder = ResourceResponder(type: .user)

    func handle(_ method: String, _ rest: [String], _ context: RequestContext) throws -> ServiceResponse {
        switch (method, rest.count) {
        case ("GET", 0): return try list(try ListQuery.parse(context.queryParameters, resourceType: type), context)
        case ("POST", 0): return try create(context)
        case ("POST", 1) where rest[0] == ".search": return try search(context)
        case ("GET", 1): return try get(rest[0], context)
        case ("PUT", 1): return try replace(rest[0], context)
        case ("PATCH", 1): return try patch(rest[0], context)
        case ("DELETE", 1):
            try store.deleteScimUser(app: context.app, id: rest[0], ifMatch: context.request.headers.ifMatch, audit: context.audit)
            return .noContent
        case (_, 0...1): throw ScimError.methodNotAllowed(method, context.request.path)
        default: throw ScimError.notFound("No SCIM endpoint at \(context.request.path).")
        }
    }

    private func search(_ context: RequestContext) throws -> ServiceResponse {
        try list(try ListQuery.parse(searchBody: try context.jsonBody(), resourceType: type), context)
    }

    func resource(_ id: String, _ context: RequestContext) throws -> StoredResource? {
        try store.scimUser(appID: context.app.id, id: id)
    }

    func page(_ query: ListQuery, _ context: RequestContext) throws -> ResourcePage {
        try store.scimUsers(appID: context.app.id, query: query)
    }

    /// The read-only `groups` attribute, looked up only when the response includes it.
    func computedAttributes(
        of stored: StoredResource,
        _ projection: Projection,
        _ context: RequestContext
    ) throws -> [(key: String, value: JSONValue)] {
        guard projection.includes("groups") else { return [] }
        let groups = try store.scimGroups(appID: context.app.id, containing: stored.id)
        return groups.isEmpty ? [] : [("groups", ResourceResponder.references(groups, context, typed: false))]
    }

    /// The `groups` of a page's users, in one lookup.
    func computedAttributes(
        ofEach resources: [StoredResource],
        _ projection: Projection,
        _ context: RequestContext
    ) throws -> [[(key: String, value: JSONValue)]] {
        guard projection.includes("groups") else { return resources.map { _ in [] } }
        let groups = try store.scimGroups(appID: context.app.id, containingEach: resources.map(\.id))
        return resources.map { stored in
            guard let memberships = groups[stored.id] else { return [] }
            return [("groups", ResourceResponder.references(memberships, context, typed: false))]
        }
    }

    private func create(_ context: RequestContext) throws -> ServiceResponse {
        let prepared = try context.preparedUser?.get() ?? Self.prepare(try context.jsonBody(), context)
        let stored = try store.createScimUser(app: context.app, audit: context.audit, prepared: prepared)
        return try responder.response(stored, status: 201, withLocation: true, context)
    }

    /// The user a `POST /Users` of `body` creates, checked and normalised, with its new id.
    static func prepare(_ body: JSONValue, _ context: RequestContext) throws(ScimError) -> PreparedUser {
        try PreparedUser { id throws(ScimError) in
            try ResourceDocument.prepare(body, as: .user, id: id, conversions: context.conversions)
        }
    }

    /// PUT replaces the whole resource; Okta's PUT bodies carry `id`, `meta` and `groups`, which are ignored.
    private func replace(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        let body = try context.jsonBody()
        let stored = try store.updateScimUser(
            app: context.app,
            id: id,
            ifMatch: context.request.headers.ifMatch,
            audit: context.audit
        ) { _ throws(ScimError) in
            try ResourceDocument.prepare(body, as: type, id: id, conversions: context.conversions)
        }
        return try responder.response(stored, status: 200, extra: computedAttributes(of: stored, .identity, context), context)
    }

    private func patch(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        let request = try PatchRequest.parse(try context.jsonBody(), dialect: context.patchDialect)
        let engine = PatchEngine(resourceType: type, conversions: context.conversions, dialect: context.patchDialect)
        let stored = try store.updateScimUser(
            app: context.app,
            id: id,
            ifMatch: context.request.headers.ifMatch,
            audit: context.audit
        ) { current throws(ScimError) in
            try ResourceDocument.finish(try engine.apply(request, to: current), as: type, id: id, conversions: context.conversions)
        }
        return try responder.response(stored, status: 200, extra: computedAttributes(of: stored, .identity, context), context)
    }
}
