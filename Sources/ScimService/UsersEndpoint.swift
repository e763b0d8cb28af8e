import Foundation
import DirectoryStore
import SCIM

/// `/Users`: create, read, list and search, replace, patch, delete (RFC 7644 §3).
struct UsersEndpoint {
    let store: DirectoryStore
    private let type = ResourceType.user

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

    func search(_ context: RequestContext) throws -> ServiceResponse {
        try list(try ListQuery.parse(searchBody: try context.jsonBody(), resourceType: type), context)
    }

    private func get(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        guard let stored = try store.scimUser(appID: context.app.id, id: id) else {
            throw ScimError.notFound("User \(id) not found.")
        }
        if let ifNoneMatch = context.request.headers.ifNoneMatch,
           ifNoneMatch.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == stored.meta.etag || $0 == "*" }) {
            return ServiceResponse(status: 304, headers: [("ETag", stored.meta.etag)])
        }
        let parameters = context.queryParameters
        let projection = Projection(
            attributes: try Projection.parseList(parameters["attributes"]),
            excludedAttributes: try Projection.parseList(parameters["excludedAttributes"]),
            resourceType: type
        )
        return render(stored, status: 200, projection: projection, context)
    }

    private func list(_ query: ListQuery, _ context: RequestContext) throws -> ServiceResponse {
        let page = try store.scimUsers(appID: context.app.id, query: query)
        var output = ListResponseWriter(totalResults: page.totalResults, startIndex: query.startIndex)
        for stored in page.resources {
            output.appendResource { writer in
                ResourceRenderer.render(stored: stored.json, meta: stored.meta, location: context.location(type.endpoint, stored.id),
                                        projection: query.projection, into: &writer)
            }
        }
        return .json(200, output.finish())
    }

    private func create(_ context: RequestContext) throws -> ServiceResponse {
        let body = try context.jsonBody()
        let stored = try store.createScimUser(app: context.app, audit: context.audit) { id throws(ScimError) in
            try ResourceDocument.prepare(body, as: type, id: id)
        }
        return render(stored, status: 201, projection: .identity, context, withLocation: true)
    }

    /// PUT replaces the whole resource; Okta's PUT bodies carry `id`, `meta` and `groups`, which are ignored.
    private func replace(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        let body = try context.jsonBody()
        let stored = try store.updateScimUser(app: context.app, id: id, ifMatch: context.request.headers.ifMatch,
                                              audit: context.audit) { _ throws(ScimError) in
            try ResourceDocument.prepare(body, as: type, id: id)
        }
        return render(stored, status: 200, projection: .identity, context)
    }

    private func patch(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        let request = try PatchRequest.parse(try context.jsonBody())
        let engine = PatchEngine(resourceType: type)
        let stored = try store.updateScimUser(app: context.app, id: id, ifMatch: context.request.headers.ifMatch,
                                              audit: context.audit) { current throws(ScimError) in
            try ResourceDocument.finish(try engine.apply(request, to: current), as: type, id: id)
        }
        return render(stored, status: 200, projection: .identity, context)
    }

    private func render(_ stored: StoredResource, status: Int, projection: Projection, _ context: RequestContext,
                        withLocation: Bool = false) -> ServiceResponse {
        let location = context.location(type.endpoint, stored.id)
        var writer = JSONWriter(capacity: stored.json.count + 256)
        ResourceRenderer.render(stored: stored.json, meta: stored.meta, location: location, projection: projection, into: &writer)
        var headers: [(name: String, value: String)] = [("ETag", stored.meta.etag)]
        if withLocation { headers.append(("Location", location)) }
        return .json(status, writer.bytes, headers: headers)
    }
}
