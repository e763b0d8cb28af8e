import DirectoryStore
import SCIM

/// What `/Users` and `/Groups` share: listing a page and rendering each resource with the
/// attributes computed from other tables (`groups` of a user, `members` of a group).
protocol ResourceEndpoint {
    var responder: ResourceResponder { get }

    /// The app's resource with this id, if any.
    func resource(_ id: String, _ context: RequestContext) throws -> StoredResource?

    /// One page of the app's resources for `query`.
    func page(_ query: ListQuery, _ context: RequestContext) throws -> ResourcePage

    /// The computed attributes of one resource, looked up only when `projection` returns them.
    func computedAttributes(
        of stored: StoredResource,
        _ projection: Projection,
        _ context: RequestContext
    ) throws -> [(key: String, value: JSONValue)]

    /// The computed attributes of each of a page's resources, in their order.
    func computedAttributes(
        ofEach resources: [StoredResource],
        _ projection: Projection,
        _ context: RequestContext
    ) throws -> [[(key: String, value: JSONValue)]]
}

extension ResourceEndpoint {
    /// GET by id, honouring `If-None-Match`, `attributes` and `excludedAttributes`.
    func get(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        guard let stored = try resource(id, context) else {
            throw ScimError.notFound("\(responder.type.name) \(id) not found.")
        }
        if let notModified = responder.notModified(stored, context) { return notModified }
        let projection = try responder.projection(context)
        return try responder.response(
            stored,
            status: 200,
            extra: computedAttributes(of: stored, projection, context),
            projection: projection,
            context
        )
    }

    func list(_ query: ListQuery, _ context: RequestContext) throws -> ServiceResponse {
        let page = try page(query, context)
        var output = ListResponseWriter(totalResults: page.totalResults, query: query)
        let shown = try append(page.resources, query.projection, to: &output, context)
        return .json(200, output.finish(nextCursor: page.nextCursor(afterShowing: shown)?.text))
    }

    /// One lookup per resource; an endpoint that can look up a page at once overrides this.
    func computedAttributes(
        ofEach resources: [StoredResource],
        _ projection: Projection,
        _ context: RequestContext
    ) throws -> [[(key: String, value: JSONValue)]] {
        try resources.map { try computedAttributes(of: $0, projection, context) }
    }

    /// Appends resources until one would not fit the response's byte budget; returns how many fit.
    @discardableResult
    func append(
        _ resources: [StoredResource],
        _ projection: Projection,
        to output: inout ListResponseWriter,
        _ context: RequestContext
    ) throws -> Int {
        let extras = try computedAttributes(ofEach: resources, projection, context)
        output.expect(output.resourceCount + resources.count)
        for (index, (stored, extra)) in zip(resources, extras).enumerated() {
            let fits = output.appendResource { writer in
                responder.render(stored, extra: extra, projection: projection, into: &writer, context)
            }
            if !fits { return index }
        }
        return resources.count
    }
}
