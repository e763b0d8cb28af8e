/// The `attributes` / `excludedAttributes` parameters (RFC 7644 §3.4.2.5).
public struct Projection: Sendable, Equatable {
    public var attributes: [AttributePath]
    public var excludedAttributes: [AttributePath]
    public let resourceType: ResourceType?

    public static func == (lhs: Projection, rhs: Projection) -> Bool {
        lhs.attributes == rhs.attributes && lhs.excludedAttributes == rhs.excludedAttributes
    }

    public init(attributes: [AttributePath] = [], excludedAttributes: [AttributePath] = [], resourceType: ResourceType? = nil) {
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
        self.resourceType = resourceType
    }

    public static let identity = Projection()

    /// The same attribute lists, resolved against `type` (for a search across resource types).
    public func scoped(to type: ResourceType) -> Projection {
        Projection(attributes: attributes, excludedAttributes: excludedAttributes, resourceType: type)
    }

    public var isIdentity: Bool { attributes.isEmpty && excludedAttributes.isEmpty }

    /// Whether the response will include `name` (a top-level attribute of the core schema).
    public func includes(_ name: String) -> Bool {
        if !attributes.isEmpty {
            return attributes.contains { $0.schema == nil && $0.name.caseInsensitiveEquals(name) }
        }
        return !excludedAttributes.contains { $0.schema == nil && $0.subAttribute == nil && $0.name.caseInsensitiveEquals(name) }
    }

    /// Parses comma-separated attribute paths.
    public static func parseList(_ text: String?) throws(ScimError) -> [AttributePath] {
        guard let text, !text.isEmpty else { return [] }
        var paths: [AttributePath] = []
        let parts = text.split(separator: ",")
        guard parts.count <= ScimLimit.projectionPaths.value else {
            throw ScimLimit.projectionPaths.exceeded("The list names \(parts.count) attributes")
        }
        for part in parts {
            do { paths.append(try AttributePath.parse(String(part).trimmingSpaces)) } catch {
                throw .invalidValue("\(String(part).quotedForDetail) is not an attribute path.")
            }
        }
        return paths
    }

    /// `schemas` and `id` are always returned (RFC 7643 §7, returned "always").
    public func apply(to resource: JSONObject) -> JSONObject {
        if !attributes.isEmpty {
            var result = JSONObject()
            for (key, value) in resource {
                if key.caseInsensitiveEquals("schemas") || key.caseInsensitiveEquals("id") {
                    result[key] = value
                } else if let kept = keep(key, value, from: attributes) {
                    result[key] = kept
                }
            }
            return result
        }
        var result = resource
        for path in excludedAttributes {
            exclude(path, from: &result)
        }
        return result
    }

    private func keep(_ key: String, _ value: JSONValue, from paths: [AttributePath]) -> JSONValue? {
        if key.lowercased().hasPrefix("urn:"), let object = value.objectValue {
            let scoped = paths.filter { $0.schema?.caseInsensitiveEquals(key) == true }
            guard !scoped.isEmpty else { return nil }
            if scoped.contains(where: { $0.name.isEmpty }) { return value }
            var kept = JSONObject()
            for (name, inner) in object {
                let local = scoped.map { AttributePath(name: $0.name, subAttribute: $0.subAttribute) }
                if let value = keep(name, inner, from: local) { kept[name] = value }
            }
            return kept.isEmpty ? nil : .object(kept)
        }
        let matching = paths.filter { $0.schema == nil || $0.schema?.caseInsensitiveEquals(resourceType?.schema.id ?? "") == true }
            .filter { $0.name.caseInsensitiveEquals(key) }
        guard !matching.isEmpty else { return nil }
        if matching.contains(where: { $0.subAttribute == nil }) { return value }
        let subs = matching.compactMap(\.subAttribute)
        return Self.keeping(subs, of: value)
    }

    private static func keeping(_ subs: [String], of value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let object):
            let kept = JSONObject(object.members.filter { member in subs.contains { $0.caseInsensitiveEquals(member.key) } })
            return kept.isEmpty ? nil : .object(kept)
        case .array(let elements):
            let kept = elements.compactMap { keeping(subs, of: $0) }
            return kept.isEmpty ? nil : .array(kept)
        default:
            return nil
        }
    }

    private func exclude(_ path: AttributePath, from resource: inout JSONObject) {
        if path.name.caseInsensitiveEquals("id") || path.name.caseInsensitiveEquals("schemas") { return }
        if let urn = path.schema, resourceType?.schema.id.caseInsensitiveEquals(urn) != true {
            guard var inner = resource[urn]?.objectValue else { return }
            if path.name.isEmpty {
                resource[urn] = nil
                return
            }
            exclude(AttributePath(name: path.name, subAttribute: path.subAttribute), from: &inner)
            resource[urn] = inner.isEmpty ? nil : .object(inner)
            return
        }
        guard let sub = path.subAttribute else {
            resource[path.name] = nil
            return
        }
        switch resource[path.name] {
        case .object(var object)?:
            object[sub] = nil
            resource[path.name] = .object(object)
        case .array(let elements)?:
            resource[path.name] = .array(
                elements.map { element in
                    guard var object = element.objectValue else { return element }
                    object[sub] = nil
                    return .object(object)
                }
            )
        default:
            break
        }
    }
}
