/// Finds the values an ``AttributePath`` names inside a resource or a multi-valued element.
public struct AttributeLocator: Sendable {
    public let resourceType: ResourceType

    public init(resourceType: ResourceType) {
        self.resourceType = resourceType
    }

    /// The values at `path` in `object`, flattened: every element of a multi-valued attribute,
    /// and for a complex multi-valued attribute named without a sub-attribute, each element's `value`.
    public func values(at path: AttributePath, in object: JSONObject) -> [JSONValue] {
        guard let top = container(for: path, in: object)?[path.name] else { return [] }
        let elements = top.arrayValue ?? [top]
        guard let sub = path.subAttribute else {
            return elements.map { $0.objectValue?["value"] ?? $0 }.filter { !$0.isNull }
        }
        return elements.compactMap { $0[sub] }.filter { !$0.isNull }
    }

    /// The object holding the attribute: the resource itself, or its extension object.
    public func container(for path: AttributePath, in object: JSONObject) -> JSONObject? {
        guard let urn = path.schema, !urn.caseInsensitiveEquals(resourceType.schema.id) else { return object }
        return object[urn]?.objectValue
    }
}
