import SCIM

/// An attribute path resolved against a resource type's published schemas: the schema is the
/// core schema or one of the type's extensions (spelled as published), names are spelled as the
/// schema spells them (stored resources use that spelling), and the JSON path that reaches the
/// attribute inside a stored resource is ready to be bound as a parameter.
struct SchemaPath {
    /// The extension schema's id, or `nil` for the core schema.
    let extensionSchema: String?
    let name: String
    let subAttribute: String?
    /// The attribute's definition, when a schema models it.
    let definition: AttributeDefinition?

    var isCore: Bool { extensionSchema == nil }

    init(_ path: AttributePath, in type: ResourceType) throws(IdPViewError) {
        if let urn = path.schema, !urn.caseInsensitiveEquals(type.schema.id) {
            guard let schema = type.extensions.first(where: { $0.id.caseInsensitiveEquals(urn) }) else {
                throw .unsupportedFilter("\(urn.quotedForDetail) is not a schema this server publishes for \(type.name) resources.")
            }
            extensionSchema = schema.id
        } else {
            extensionSchema = nil
        }
        guard AttributePath.isAttributeName(Substring(path.name)) else {
            throw .unsupportedFilter("\(path.description.quotedForDetail) does not name an attribute.")
        }
        let top = type.topLevelDefinition(for: path)
        name = top?.name ?? path.name
        if let sub = path.subAttribute {
            guard AttributePath.isAttributeName(Substring(sub)) else {
                throw .unsupportedFilter("\(path.description.quotedForDetail) does not name an attribute.")
            }
            let subDefinition = top?.subAttribute(sub)
            subAttribute = subDefinition?.name ?? sub
            definition = subDefinition
        } else {
            subAttribute = nil
            definition = top
        }
    }

    private init(extensionSchema: String?, name: String, subAttribute: String?, definition: AttributeDefinition?) {
        self.extensionSchema = extensionSchema
        self.name = name
        self.subAttribute = subAttribute
        self.definition = definition
    }

    /// The sub-attribute `sub` of this (top-level) attribute, as a value filter names it.
    func appending(_ sub: String) throws(IdPViewError) -> SchemaPath {
        guard subAttribute == nil, AttributePath.isAttributeName(Substring(sub)) else {
            throw .unsupportedFilter("\(sub.quotedForDetail) does not name a sub-attribute of \(name).")
        }
        let top = definition
        let subDefinition = top?.subAttribute(sub)
        return SchemaPath(
            extensionSchema: extensionSchema,
            name: name,
            subAttribute: subDefinition?.name ?? sub,
            definition: subDefinition
        )
    }

    /// `$."name"."givenName"`, or `$."urn:…:User"."department"` for an extension attribute.
    var jsonPath: String {
        var text = "$"
        if let extensionSchema { text += Self.member(extensionSchema) }
        text += Self.member(name)
        if let subAttribute { text += Self.member(subAttribute) }
        return text
    }

    /// The sub-attribute's path inside one element of the attribute: `$."value"`.
    var elementJSONPath: String {
        "$" + Self.member(subAttribute ?? "value")
    }

    /// A JSON path member. Names and URNs hold only ASCII letters, digits and `-_.:$` (checked
    /// by ``AttributePath``), so quoting them cannot be escaped from.
    private static func member(_ name: String) -> String {
        ".\"\(name)\""
    }
}
