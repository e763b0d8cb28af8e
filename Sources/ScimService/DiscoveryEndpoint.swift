import SCIM

/// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4): exactly what is served.
struct DiscoveryEndpoint {
    static let maxResults = ScimLimit.listCount.value
    private let resourceTypes = ResourceType.all

    func handle(_ resource: String, _ rest: [String], _ context: RequestContext) throws -> ServiceResponse {
        switch (resource, rest.count) {
        case ("ServiceProviderConfig", 0):
            return .json(200, serviceProviderConfig(baseURL: context.baseURL))
        case ("ResourceTypes", 0):
            return list(resourceTypes.map { $0.json(baseURL: context.baseURL) })
        case ("ResourceTypes", 1):
            guard let type = resourceTypes.first(where: { $0.name == rest[0] }) else {
                throw ScimError.notFound("No resource type \(rest[0]).")
            }
            return .json(200, type.json(baseURL: context.baseURL))
        case ("Schemas", 0):
            return list(schemas.map { $0.json(baseURL: context.baseURL) })
        case ("Schemas", 1):
            guard let schema = schemas.first(where: { $0.id.caseInsensitiveEquals(rest[0]) }) else {
                throw ScimError.notFound("No schema \(rest[0]).")
            }
            return .json(200, schema.json(baseURL: context.baseURL))
        default:
            throw ScimError.notFound("No SCIM endpoint at \(context.request.path).")
        }
    }

    private var schemas: [SchemaDefinition] {
        resourceTypes.flatMap { [$0.schema] + $0.extensions }
    }

    private func list(_ resources: [JSONValue]) -> ServiceResponse {
        .json(
            200,
            .object(
                JSONObject([
                    ("schemas", .array([.string(ScimSchemaURN.listResponse)])),
                    ("totalResults", .integer(resources.count)),
                    ("itemsPerPage", .integer(resources.count)),
                    ("startIndex", .integer(1)),
                    ("Resources", .array(resources)),
                ])
            )
        )
    }

    /// No `documentationUri` (optional in RFC 7643 §5): the project has no public documentation
    /// site, and the deployment serves none; a URI that does not answer helps no operator.
    private func serviceProviderConfig(baseURL: String) -> JSONValue {
        func supported(_ flag: Bool) -> JSONValue { .object(JSONObject([("supported", .bool(flag))])) }
        return .object(
            JSONObject([
                ("schemas", .array([.string(ScimSchemaURN.serviceProviderConfig)])),
                ("patch", supported(true)),
                (
                    "bulk",
                    .object(
                        JSONObject([
                            ("supported", .bool(true)),
                            ("maxOperations", .integer(ScimLimit.bulkOperations.value)),
                            ("maxPayloadSize", .integer(ScimLimit.bulkPayload.value)),
                        ])
                    )
                ),
                ("filter", .object(JSONObject([("supported", .bool(true)), ("maxResults", .integer(Self.maxResults))]))),
                ("changePassword", supported(false)),
                // RFC 9865: both index and cursor pagination.
                (
                    "pagination",
                    .object(
                        JSONObject([
                            ("cursor", .bool(true)),
                            ("index", .bool(true)),
                            ("defaultPaginationMethod", .string("index")),
                            ("defaultPageSize", .integer(ListQuery.defaultCount)),
                            ("maxPageSize", .integer(ScimLimit.listCount.value)),
                        ])
                    )
                ),
                ("sort", supported(true)),
                ("etag", supported(true)),
                (
                    "authenticationSchemes",
                    .array([
                        .object(
                            JSONObject([
                                ("type", .string("oauthbearertoken")),
                                ("name", .string("OAuth Bearer Token")),
                                ("description", .string("Authentication with the app's bearer token, sent as 'Authorization: Bearer <token>'.")),
                                ("primary", .bool(true)),
                            ])
                        )
                    ])
                ),
                (
                    "meta",
                    .object(
                        JSONObject([
                            ("resourceType", .string("ServiceProviderConfig")),
                            ("location", .string("\(baseURL)/ServiceProviderConfig")),
                        ])
                    )
                ),
            ])
        )
    }
}
