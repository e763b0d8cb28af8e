/// Turns the JSON an IdP sends (POST, PUT) into the resource ScimSync stores.
///
/// Keeps every attribute the IdP wrote, schema-modelled or not, in its order; drops what the
/// server owns (`id`, `meta`, read-only attributes) and what it never returns (`password`);
/// accepts the shapes real IdPs send (boolean strings, a bare manager id).
public enum ResourceDocument {
    /// Validates `body` and returns the resource to store under `id`.
    public static func prepare(_ body: JSONValue, as type: ResourceType, id: String) throws(ScimError) -> JSONObject {
        guard var object = body.objectValue else {
            throw .invalidSyntax("The request body must be a JSON object.")
        }
        try checkSchemas(object, type)
        object.removeAll(named: ["id", "meta"] + serverOwnedAttributes(of: type))
        return try finish(object, as: type, id: id)
    }

    /// Normalises and validates a resource after PATCH, keeping its `id`.
    ///
    /// Write-only attributes (`password`) are accepted and dropped here, so that neither PATCH
    /// nor POST ever stores or returns them; extensions left empty leave `schemas` too.
    public static func finish(_ resource: JSONObject, as type: ResourceType, id: String) throws(ScimError) -> JSONObject {
        var object = ValueNormalizer(resourceType: type).normalize(resource)
        object.removeAll(named: type.schema.attributes.filter { $0.mutability == .writeOnly }.map(\.name))
        for schema in type.extensions where object[schema.id] == nil {
            AttributeEdit.removeSchema(schema.id, from: &object)
        }
        try checkRequired(object, type)
        object["externalId"].map { object.setFirst("externalId", $0) }
        object.setFirst("id", .string(id))
        object.setFirst("schemas", object["schemas"] ?? .array([.string(type.schema.id)]))
        return object
    }

    /// Read-only and write-only attributes of the core schema, which a client cannot set.
    private static func serverOwnedAttributes(of type: ResourceType) -> [String] {
        type.schema.attributes
            .filter { $0.mutability == .readOnly || $0.mutability == .writeOnly }
            .map(\.name)
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
        try checkTypes(object, definitions: type.schema.attributes, at: "")
        for schema in type.extensions {
            if let extensionObject = object[schema.id]?.objectValue {
                try checkTypes(extensionObject, definitions: schema.attributes, at: "\(schema.id):")
            }
        }
    }

    /// Refuses values whose JSON type contradicts the schema (a string `emails`, an object `active`).
    private static func checkTypes(_ object: JSONObject, definitions: [AttributeDefinition], at prefix: String) throws(ScimError) {
        for definition in definitions {
            guard let value = object[definition.name] else { continue }
            let elements = definition.multiValued ? value.arrayValue : [value]
            guard let elements else {
                throw .invalidValue("The attribute '\(prefix)\(definition.name)' must be an array.")
            }
            for element in elements where !ValueNormalizer.fits(element, definition.type) {
                throw .invalidValue("The attribute '\(prefix)\(definition.name)' must be of type \(definition.type.rawValue).")
            }
            if definition.type == .complex {
                for element in elements {
                    if let inner = element.objectValue {
                        try checkTypes(inner, definitions: definition.subAttributes, at: "\(prefix)\(definition.name).")
                    }
                }
            }
        }
    }
}
