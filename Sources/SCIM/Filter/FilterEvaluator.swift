/// Evaluates a ``Filter`` against one JSON object in memory.
///
/// Used for PATCH value filters (`emails[type eq "work"]`), where the candidates are the few
/// elements of one attribute. List queries are compiled to SQL instead.
public struct FilterEvaluator: Sendable {
    public let resourceType: ResourceType
    /// The attribute whose elements inner paths are relative to, inside a value path.
    let parent: AttributePath?

    public init(resourceType: ResourceType, parent: AttributePath? = nil) {
        self.resourceType = resourceType
        self.parent = parent
    }

    public func matches(_ filter: Filter, _ object: JSONObject) -> Bool {
        switch filter {
        case .and(let left, let right): return matches(left, object) && matches(right, object)
        case .or(let left, let right): return matches(left, object) || matches(right, object)
        case .not(let inner): return !matches(inner, object)
        case .present(let path):
            return values(at: path, in: object).contains { !$0.isEmptyForPresence }
        case .compare(let path, let op, let literal):
            let exact = caseExact(path)
            return values(at: path, in: object).contains { Comparison.holds($0, op, literal, caseExact: exact) }
        case .valuePath(let path, let inner):
            let scoped = FilterEvaluator(resourceType: resourceType, parent: path)
            let elements = AttributeLocator(resourceType: resourceType).container(for: path, in: object)?[path.name]
            return (elements?.arrayValue ?? []).contains { element in
                element.objectValue.map { scoped.matches(inner, $0) } ?? false
            }
        }
    }

    private func values(at path: AttributePath, in object: JSONObject) -> [JSONValue] {
        if parent != nil, path.schema == nil, path.subAttribute == nil {
            return object[path.name].map { $0.arrayValue ?? [$0] } ?? []
        }
        return AttributeLocator(resourceType: resourceType).values(at: path, in: object)
    }

    private func caseExact(_ path: AttributePath) -> Bool {
        let resolved = parent.map { AttributePath(schema: $0.schema, name: $0.name, subAttribute: path.name) } ?? path
        return resourceType.definition(for: resolved)?.caseExact ?? false
    }
}

extension JSONValue {
    /// RFC 7644 `pr`: null, empty strings, empty arrays and empty objects are not present.
    var isEmptyForPresence: Bool {
        switch self {
        case .null: true
        case .string(let text): text.isEmpty
        case .array(let elements): elements.isEmpty
        case .object(let object): object.isEmpty
        default: false
        }
    }
}
