/// Brings values to the types their schema declares, as far as real IdPs need it:
/// `"True"`/`"False"` to booleans (Entra ID), a bare manager id to `{"value": id}` (Entra ID),
/// a single object where an array is expected to a one-element array, `null` to absent.
struct ValueNormalizer {
    let resourceType: ResourceType

    func normalize(_ resource: JSONObject) -> JSONObject {
        var result = normalize(resource, definitions: resourceType.schema.attributes)
        for schema in resourceType.extensions {
            guard let inner = result[schema.id]?.objectValue else { continue }
            let normalized = normalize(inner, definitions: schema.attributes)
            result[schema.id] = normalized.isEmpty ? nil : .object(normalized)
        }
        return result
    }

    private func normalize(_ object: JSONObject, definitions: [AttributeDefinition]) -> JSONObject {
        var result = JSONObject()
        for (key, value) in object {
            guard let definition = definitions.first(where: { $0.name.caseInsensitiveEquals(key) }) else {
                if !value.isNull { result[key] = value }
                continue
            }
            if let normalized = normalize(value, definition) { result[definition.name] = normalized }
        }
        return result
    }

    private func normalize(_ value: JSONValue, _ definition: AttributeDefinition) -> JSONValue? {
        if value.isNull { return nil }
        if definition.multiValued {
            let elements = (value.arrayValue ?? [value]).compactMap { normalizeSingle($0, definition) }
            return elements.isEmpty ? nil : .array(elements)
        }
        return normalizeSingle(value, definition)
    }

    private func normalizeSingle(_ value: JSONValue, _ definition: AttributeDefinition) -> JSONValue? {
        switch (definition.type, value) {
        case (_, .null):
            return nil
        case (.boolean, .string(let text)) where text.caseInsensitiveEquals("true") || text.caseInsensitiveEquals("false"):
            return .bool(text.caseInsensitiveEquals("true"))
        case (.complex, .string(let text)) where definition.subAttribute("value") != nil:
            return text.isEmpty ? nil : .object(JSONObject([("value", .string(text))]))
        case (.complex, .object(let inner)):
            let normalized = normalize(inner, definitions: definition.subAttributes)
            return normalized.isEmpty ? nil : .object(normalized)
        default:
            return value
        }
    }

    /// Whether a (normalised) value has the JSON shape of a schema type.
    static func fits(_ value: JSONValue, _ type: AttributeDefinition.DataType) -> Bool {
        switch (type, value) {
        case (.boolean, .bool), (.complex, .object), (.decimal, .number), (.integer, .number): true
        case (.string, .string), (.reference, .string), (.binary, .string), (.dateTime, .string): true
        default: false
        }
    }
}
