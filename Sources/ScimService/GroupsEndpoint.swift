import DirectoryStore
import SCIM

/// `/Groups`: create, read, list and search, replace, patch, delete. Members are read from and
/// written to the member table; a request that does not need them never loads them.
struct GroupsEndpoint: ResourceEndpoint {
    let store: DirectoryStore
    private let type = ResourceType.group
    let responder = ResourceResponder(type: .group)

    func handle(_ method: String, _ rest: [String], _ context: RequestContext) throws -> ServiceResponse {
        switch (method, rest.count) {
        case ("GET", 0): return try list(try ListQuery.parse(context.queryParameters, resourceType: type), context)
        case ("POST", 0): return try create(context)
        case ("POST", 1) where rest[0] == ".search":
            return try list(try ListQuery.parse(searchBody: try context.jsonBody(), resourceType: type), context)
        case ("GET", 1): return try read(rest[0], context)
        case ("PUT", 1): return try replace(rest[0], context)
        case ("PATCH", 1): return try patch(rest[0], context)
        case ("DELETE", 1):
            try store.deleteScimGroup(app: context.app, id: rest[0], ifMatch: context.request.headers.ifMatch, audit: context.audit)
            return .noContent
        case (_, 0...1): throw ScimError.methodNotAllowed(method, context.request.path)
        default: throw ScimError.notFound("No SCIM endpoint at \(context.request.path).")
        }
    }

    /// GET by id; a large group read whole is streamed (``GroupMemberStream``).
    private func read(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        guard try responder.projection(context).isIdentity,
            try store.scimGroupHasMoreMembers(appID: context.app.id, groupID: id, than: GroupMemberStream.threshold),
            let stored = try resource(id, context)
        else { return try get(id, context) }
        if let notModified = responder.notModified(stored, context) { return notModified }
        let stream = GroupMemberStream(store: store, appID: context.app.id, baseURL: context.baseURL, responder: responder)
        return try stream.response(stored, context) ?? get(id, context)
    }

    func page(_ query: ListQuery, _ context: RequestContext) throws -> ResourcePage {
        try store.scimGroups(appID: context.app.id, query: query)
    }

    func resource(_ id: String, _ context: RequestContext) throws -> StoredResource? {
        try store.scimGroup(appID: context.app.id, id: id)
    }

    /// `members`, looked up only when the response includes it (`excludedAttributes=members` skips it).
    func computedAttributes(
        of stored: StoredResource,
        _ projection: Projection,
        _ context: RequestContext
    ) throws -> [(key: String, value: JSONValue)] {
        guard projection.includes("members") else { return [] }
        let members = try store.scimGroupMembers(appID: context.app.id, groupID: stored.id)
        return [("members", ResourceResponder.references(members, context, typed: true))]
    }

    /// Splits a POST or PUT body into the group's attributes and its member list.
    private func document(_ context: RequestContext) throws -> (JSONValue, [MemberValue]) {
        guard var object = try context.jsonBody().objectValue else {
            throw ScimError.invalidSyntax("The request body must be a JSON object.")
        }
        let members = try MemberValue.list(from: object["members"], conversions: context.conversions)
        try MemberChange.checkLimit([.add(members)])
        object["members"] = nil
        return (.object(object), members)
    }

    private func create(_ context: RequestContext) throws -> ServiceResponse {
        let (body, members) = try document(context)
        let stored = try store.createScimGroup(app: context.app, members: members, audit: context.audit) { id throws(ScimError) in
            try ResourceDocument.prepare(body, as: type, id: id, conversions: context.conversions)
        }
        return try responder.response(
            stored,
            status: 201,
            extra: computedAttributes(of: stored, .identity, context),
            withLocation: true,
            context
        )
    }

    private func replace(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        let (body, members) = try document(context)
        let stored = try store.updateScimGroup(
            app: context.app,
            id: id,
            ifMatch: context.request.headers.ifMatch,
            audit: context.audit,
            memberChanges: [.replace(members)]
        ) { _ throws(ScimError) in
            try ResourceDocument.prepare(body, as: type, id: id, conversions: context.conversions)
        }
        return try responder.response(stored, status: 200, extra: computedAttributes(of: stored, .identity, context), context)
    }

    /// A PATCH that changes only members answers 204 without reading the member list.
    private func patch(_ id: String, _ context: RequestContext) throws -> ServiceResponse {
        let (memberChanges, rest) = try MemberPatch.split(
            try PatchRequest.parse(try context.jsonBody(), dialect: context.patchDialect),
            conversions: context.conversions
        )
        let engine = PatchEngine(resourceType: type, conversions: context.conversions, dialect: context.patchDialect)
        let transform: ((JSONObject) throws(ScimError) -> JSONObject)? =
            rest.operations.isEmpty
            ? nil
            : { current throws(ScimError) in
                try ResourceDocument.finish(try engine.apply(rest, to: current), as: type, id: id, conversions: context.conversions)
            }
        let stored = try store.updateScimGroup(
            app: context.app,
            id: id,
            ifMatch: context.request.headers.ifMatch,
            audit: context.audit,
            memberChanges: memberChanges,
            transform: transform
        )
        guard transform != nil else {
            return ServiceResponse(status: 204, headers: [("ETag", stored.meta.etag)])
        }
        let projection = try responder.projection(context)
        return try responder.response(
            stored,
            status: 200,
            extra: computedAttributes(of: stored, projection, context),
            projection: projection,
            context
        )
    }
}
