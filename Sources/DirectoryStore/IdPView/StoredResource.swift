import SCIM

/// A SCIM resource as stored: its JSON (without `meta`) and its metadata.
public struct StoredResource: Sendable {
    public var id: String
    public var json: [UInt8]
    public var meta: ResourceMeta

    /// The stored JSON parsed, for PATCH and PUT.
    public func object() -> JSONObject {
        Self.object(json)
    }

    /// Parses a stored resource; the store wrote it, so it is always a JSON object.
    static func object(_ json: [UInt8]) -> JSONObject {
        (try? JSONParser.parse(json, limits: .stored))?.objectValue ?? JSONObject()
    }
}

/// One page of a list query.
public struct ResourcePage: Sendable {
    public var totalResults: Int
    public var resources: [StoredResource]
    /// For cursor pagination: where the next page starts, or `nil` on the last page.
    public var nextCursor: PageCursor?
    /// For cursor pagination: where a page continues after each of `resources`.
    var continuations: [PageCursor] = []

    /// Where the next page starts when only the first `shown` resources were sent (a response
    /// that reached ``ScimLimit/listBytes`` stops early).
    public func nextCursor(afterShowing shown: Int) -> PageCursor? {
        guard shown > 0, shown < resources.count, shown <= continuations.count else { return nextCursor }
        return continuations[shown - 1]
    }
}
