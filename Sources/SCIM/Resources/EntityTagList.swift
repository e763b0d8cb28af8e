/// The entity tags of an `If-Match` or `If-None-Match` header (RFC 7232 §3.1, §3.2; RFC 7644
/// §3.14): `*`, or a comma-separated list of tags, compared weakly (`W/"3"` and `"3"` are the
/// same version), as the SCIM versions are weak tags.
public struct EntityTagList: Sendable, Equatable {
    private let tags: [Substring]

    public init(_ header: String) {
        tags = header.split(separator: ",").map(Self.trimmed)
    }

    /// Whether `etag` (a version's weak tag, `W/"3"`) is among the tags, or the list is `*`.
    public func matches(_ etag: String) -> Bool {
        let wanted = Self.opaque(Substring(etag))
        return tags.contains { $0 == "*" || Self.opaque($0) == wanted }
    }

    /// The tag without its weakness indicator.
    private static func opaque(_ tag: Substring) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag
    }

    /// Without the optional white space (spaces and tabs) around it.
    private static func trimmed(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return text[first...last]
    }
}
