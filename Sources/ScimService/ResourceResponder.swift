import DirectoryStore
import Foundation
import SCIM

/// What the Users and Groups endpoints share: projections from the query, conditional GETs,
/// and rendering a stored resource with its computed members (`groups`, `members`) and `meta`.
struct ResourceResponder {
    let type: ResourceType

    func projection(_ context: RequestContext) throws -> Projection {
        let parameters = context.queryParameters
        return Projection(
            attributes: try Projection.parseList(parameters["attributes"]),
            excludedAttributes: try Projection.parseList(parameters["excludedAttributes"]),
            resourceType: type
        )
    }

    /// `If-None-Match` on a GET: 304 when the client's tag is current.
    func notModified(_ stored: StoredResource, _ context: RequestContext) -> ServiceResponse? {
        guard let ifNoneMatch = context.request.headers.ifNoneMatch else { return nil }
        guard EntityTagList(ifNoneMatch).matches(stored.meta.etag) else { return nil }
        return ServiceResponse(status: 304, headers: [("ETag", stored.meta.etag)])
    }

    func render(
        _ stored: StoredResource,
        extra: [(key: String, value: JSONValue)],
        projection: Projection,
        into writer: inout JSONWriter,
        _ context: RequestContext
    ) {
        ResourceRenderer.render(
            stored: stored.json,
            meta: stored.meta,
            location: context.location(type.endpoint, stored.id),
            extra: extra,
            projection: projection,
            into: &writer
        )
    }

    /// The resource as the answer's body with its `ETag` (and `Location`); `extra`, its computed
    /// attributes, is looked up only when the answer has a body.
    func response(
        _ stored: StoredResource,
        status: Int,
        extra: @autoclosure () throws -> [(key: String, value: JSONValue)] = [],
        projection: Projection = .identity,
        withLocation: Bool = false,
        _ context: RequestContext
    ) rethrows -> ServiceResponse {
        var headers: [(name: String, value: String)] = [("ETag", stored.meta.etag)]
        if withLocation { headers.append(("Location", context.location(type.endpoint, stored.id))) }
        guard context.answersWithBody else { return ServiceResponse(status: status, headers: headers) }
        var writer = JSONWriter(capacity: stored.json.count + 256)
        render(stored, extra: try extra(), projection: projection, into: &writer, context)
        return .json(status, writer.bytes, headers: headers)
    }

    /// `[{"value": id, "$ref": url, "display": name, "type": …}]`, for `members` and `groups`.
    static func references(_ members: [GroupMember], _ context: RequestContext, typed: Bool) -> JSONValue {
        .array(members.map { reference($0, baseURL: context.baseURL, typed: typed) })
    }

    /// One member of ``references(_:_:typed:)``.
    static func reference(_ member: GroupMember, baseURL: String, typed: Bool) -> JSONValue {
        var object = JSONObject([
            ("value", .string(member.id)),
            ("$ref", .string(RequestContext.location(baseURL: baseURL, member.type == "Group" ? "/Groups" : "/Users", member.id))),
        ])
        if let display = member.display { object["display"] = .string(display) }
        object["type"] = .string(typed ? member.type : "direct")
        return .object(object)
    }
}
