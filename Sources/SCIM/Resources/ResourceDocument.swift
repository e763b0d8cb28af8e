/// Turns the JSON an IdP sends (POST, PUT) into the resource ScimSync stores.
///
/// Keeps every attribute the IdP wrote, schema-modelled or not, in its order; drops what the
/// server owns (`id`, `meta`, read-only attributes) and what it never returns (`password`);
/// accepts the shapes real IdPs send (boolean strings, a bare manager id).
public enum ResourceDocument {
    /// Validates `body` and returns the resource to store under `id`.
    public static func prepare(
        _ body: JSONValue,
        as type: ResourceType,
        id: String,
        conversions: ValueConversions = .rfc
    ) throws(ScimError) -> JSONObject {
        guard var object = body.objectValue else {
            throw .invalidSyntax("The request body must be a JSON object.")
        }
        try checkSchemas(object, type)
        object.removeAll(named: type.serverOwnedNames)
        return try finish(object, as: type, id: id, conversions: conversions)
    }

    /// Normalises and validates a resource after PATCH, keeping its `id`.
    ///
    /// Write-only attributes (`password`) are accepted and dropped here, so that neither PATCH
    /// nor POST ever stores or returns them; extensions left empty leave `schemas` too.
    /// Every value the schemas define is converted and type-checked first (``ValueNormalizer``).
    public static func finish(
        _ resource: JSONObject,
        as type: ResourceType,
        id: String,
        conversions: ValueConversions = .rfc
    ) throws(ScimError) -> JSONObject {
        var object = try ValueNormalizer(resourceType: type, conversions: conversions).normalize(resource)
        object.removeAll(named: type.writeOnlyNames)
        for schema in type.extensions where object[schema.id] == nil {
            AttributeEdit.removeSchema(schema.id, from: &object)
        }
        try checkRequired(object, type)
        object["externalId"].map { object.setFirst("externalId", $0) }
        object.setFirst("id", .string(id))
        object.setFirst("schemas", object["schemas"] ?? .array([.string(type.schema.id)]))
        return object
    }

    private static func checkSchemas(_ object: JSONObject, _ type: ResourceType) throws(ScimError) {
        guard let schemas = object["schemas"]?.arrayValue, !schemas.isEmpty else {
            throw .invalidSyntax("The attribute 'schemas' is required and must list \(type.schema.id).")
        }
        guard schemas.allSatisfy({ $0.stringValue != nil }) else {
            throw .invalidSyntax("The attribute 'schemas' must be an array of URIs.")
        }
        guard schemas.contains(where: { $0.stringValue!.caseInsensitiveEquals(type.schema.id) }) else {
            throw .invalidValue("The attribute 'schemas' must include \(type.schema.id).")
        }
    }

    private static func checkRequired(_ object: JSONObject, _ type: ResourceType) throws(ScimError) {
        for attribute in type.schema.attributes where attribute.required {
            guard let value = object[attribute.name] else {
                throw .invalidValue("The attribute '\(attribute.name)' is required.")
            }
            guard let text = value.stringValue else {
                throw .invalidValue("The attribute '\(attribute.name)' must be a string.")
            }
            guard !text.allSatisfy(\.isWhitespace) else {
                throw .invalidValue("The attribute '\(attribute.name)' must not be empty.")
            }
        }
    }
}
