/// A SCIM schema: its URN, name and attributes (RFC 7643 §7).
public struct SchemaDefinition: Sendable {
    public let id: String
    public let name: String
    public let description: String
    public let attributes: [AttributeDefinition]

    /// A top-level attribute by case-insensitive name.
    public func attribute(_ name: String) -> AttributeDefinition? {
        attributes.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// The schema as `/Schemas/{id}` returns it, with `meta.location` under `baseURL`.
    public func json(baseURL: String) -> JSONValue {
        .object(
            JSONObject([
                ("schemas", .array([.string(ScimSchemaURN.schema)])),
                ("id", .string(id)),
                ("name", .string(name)),
                ("description", .string(description)),
                ("attributes", .array(attributes.map(\.json))),
                (
                    "meta",
                    .object(
                        JSONObject([
                            ("resourceType", .string("Schema")),
                            ("location", .string("\(baseURL)/Schemas/\(id)")),
                        ])
                    )
                ),
            ])
        )
    }
}
