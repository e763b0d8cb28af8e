/// The server-owned metadata of a stored resource (RFC 7643 §3.1).
public struct ResourceMeta: Sendable, Equatable {
    public var resourceType: String
    public var created: String
    public var lastModified: String
    public var version: Int

    public init(resourceType: String, created: String, lastModified: String, version: Int) {
        self.resourceType = resourceType
        self.created = created
        self.lastModified = lastModified
        self.version = version
    }

    /// The weak entity tag of this version, used as `meta.version` and the `ETag` header.
    public var etag: String { "W/\"\(version)\"" }

    public func json(location: String) -> JSONValue {
        .object(
            JSONObject([
                ("resourceType", .string(resourceType)),
                ("created", .string(created)),
                ("lastModified", .string(lastModified)),
                ("location", .string(location)),
                ("version", .string(etag)),
            ])
        )
    }
}
