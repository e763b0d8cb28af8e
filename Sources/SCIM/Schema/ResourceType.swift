/// A SCIM resource type: its endpoint, core schema and schema extensions (RFC 7643 §6).
public struct ResourceType: Sendable {
    public let name: String
    public let endpoint: String
    public let description: String
    public let schema: SchemaDefinition
    public let extensions: [SchemaDefinition]
    /// The core schema's attributes and `externalId`: what a request's top level is checked
    /// against (`id` and `meta` belong to the server). Kept, not rebuilt for every write.
    let checkedAttributes: [AttributeDefinition]
    /// `id`, `meta` and the core schema's read-only attributes, which a client cannot set.
    let serverOwnedNames: [String]
    /// The core schema's write-only attributes (`password`): checked, then never stored.
    let writeOnlyNames: [String]

    init(name: String, endpoint: String, description: String, schema: SchemaDefinition, extensions: [SchemaDefinition]) {
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.extensions = extensions
        checkedAttributes = schema.attributes + CoreSchemas.commonAttributes.filter { $0.name == "externalId" }
        serverOwnedNames = ["id", "meta"] + schema.attributes.filter { $0.mutability == .readOnly }.map(\.name)
        writeOnlyNames = schema.attributes.filter { $0.mutability == .writeOnly }.map(\.name)
    }

    public static let user = ResourceType(
        name: "User",
        endpoint: "/Users",
        description: "User Account",
        schema: CoreSchemas.user,
        extensions: [CoreSchemas.enterpriseUser]
    )

    public static let group = ResourceType(
        name: "Group",
        endpoint: "/Groups",
        description: "Group",
        schema: CoreSchemas.group,
        extensions: []
    )

    public static let all = [user, group]

    /// The definition of the attribute a path names, or `nil` when no schema models it.
    public func definition(for path: AttributePath) -> AttributeDefinition? {
        guard let top = topLevelDefinition(for: path) else { return nil }
        guard let sub = path.subAttribute else { return top }
        return top.subAttribute(sub)
    }

    /// The definition of the top-level attribute a path names (ignoring its sub-attribute).
    public func topLevelDefinition(for path: AttributePath) -> AttributeDefinition? {
        if let urn = path.schema, !urn.caseInsensitiveEquals(schema.id) {
            return extensions.first { $0.id.caseInsensitiveEquals(urn) }?.attribute(path.name)
        }
        return schema.attribute(path.name) ?? CoreSchemas.commonAttributes.first { $0.name.caseInsensitiveEquals(path.name) }
    }

    /// Whether `urn` is this type's core schema or one of its extensions.
    public func isKnownSchema(_ urn: String) -> Bool {
        schema.id.caseInsensitiveEquals(urn) || extensions.contains { $0.id.caseInsensitiveEquals(urn) }
    }

    /// The resource type as `/ResourceTypes/{name}` returns it.
    public func json(baseURL: String) -> JSONValue {
        .object(
            JSONObject([
                ("schemas", .array([.string(ScimSchemaURN.resourceType)])),
                ("id", .string(name)),
                ("name", .string(name)),
                ("endpoint", .string(endpoint)),
                ("description", .string(description)),
                ("schema", .string(schema.id)),
                (
                    "schemaExtensions",
                    .array(
                        extensions.map {
                            .object(JSONObject([("schema", .string($0.id)), ("required", .bool(false))]))
                        }
                    )
                ),
                (
                    "meta",
                    .object(
                        JSONObject([
                            ("resourceType", .string("ResourceType")),
                            ("location", .string("\(baseURL)/ResourceTypes/\(name)")),
                        ])
                    )
                ),
            ])
        )
    }
}
