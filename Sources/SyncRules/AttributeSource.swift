import SCIM

/// Where a mapped directory field takes its value: a SCIM attribute path such as `title`,
/// `name.givenName`, `emails[type eq "work"].value` or an extension attribute
/// (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`), and an optional
/// fallback path used when the first gives nothing.
public struct AttributeSource: Sendable, Equatable {
    public var path: String
    public var fallback: String?

    public init(path: String, fallback: String? = nil) {
        self.path = path
        self.fallback = fallback
    }

    /// The first non-empty value at `path`, else at `fallback`.
    public func value(in resource: JSONObject) -> String? {
        Self.value(at: path, in: resource) ?? fallback.flatMap { Self.value(at: $0, in: resource) }
    }

    /// Why `path` is not a usable attribute path, or nil.
    public static func pathProblem(_ path: String) -> String? {
        do {
            _ = try parse(path)
            return nil
        } catch {
            return "'\(path)' is not a SCIM attribute path (\(error.detail))"
        }
    }

    static func value(at path: String, in resource: JSONObject) -> String? {
        guard let parsed = try? parse(path) else { return nil }
        let locator = AttributeLocator(resourceType: .user)
        guard let top = locator.container(for: parsed.attribute, in: resource)?[parsed.attribute.name] else { return nil }
        var elements = top.arrayValue ?? [top]
        if let filter = parsed.valueFilter {
            let evaluator = FilterEvaluator(resourceType: .user, parent: parsed.attribute)
            elements = elements.filter { $0.objectValue.map { evaluator.matches(filter, $0) } ?? false }
        }
        let sub = parsed.subAttributeAfterFilter ?? parsed.attribute.subAttribute
        let values = elements.map { element in
            if let sub { return element[sub] }
            return element.objectValue?["value"] ?? element
        }
        return values.lazy.compactMap { $0.flatMap(Self.text) }.first { !$0.isEmpty }
    }

    private static func parse(_ path: String) throws(ScimError) -> PatchPath {
        try PatchPath.parse(path)
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}
