/// A reference to an attribute: an optional schema URN, a name and an optional sub-attribute,
/// as in `name.givenName` or `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
public struct AttributePath: Sendable, Equatable, CustomStringConvertible {
    /// The schema URN the path was qualified with, or `nil` for the resource's core schema.
    public var schema: String?
    public var name: String
    public var subAttribute: String?

    public init(schema: String? = nil, name: String, subAttribute: String? = nil) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    public var description: String {
        var text = schema.map { "\($0):" } ?? ""
        text += name
        if let subAttribute { text += ".\(subAttribute)" }
        return text
    }

    /// The same path without its sub-attribute.
    public var parent: AttributePath {
        AttributePath(schema: schema, name: name)
    }

    /// Parses `[URN ":"] name ["." subAttribute]`.
    ///
    /// The URN is the longest prefix ending at a colon; a path that is exactly a URN in
    /// `knownSchemas` names that schema's whole extension object (`name` is then empty).
    public static func parse(_ text: String, knownSchemas: [String] = CoreSchemas.all.map(\.id)) throws(ScimError) -> AttributePath {
        if knownSchemas.contains(where: { $0.caseInsensitiveEquals(text) }) {
            return AttributePath(schema: text, name: "")
        }
        var schema: String?
        var local = Substring(text)
        if text.lowercased().hasPrefix("urn:") {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidPath("'\(text)' is not an attribute path") }
            schema = String(text[..<colon])
            local = text[text.index(after: colon)...]
        }
        let parts = local.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy(isAttributeName) else {
            throw .invalidPath("'\(text)' is not an attribute path")
        }
        return AttributePath(schema: schema, name: String(parts[0]), subAttribute: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// `ATTRNAME = ALPHA *(nameChar)`, allowing `$ref`.
    static func isAttributeName(_ text: Substring) -> Bool {
        guard let first = text.first else { return false }
        guard first.isLetter || first == "$" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "$" }
    }
}
