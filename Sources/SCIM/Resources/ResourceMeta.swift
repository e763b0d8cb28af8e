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

    /// The same members as ``json(location:)``, written straight into `writer`: a page of a
    /// hundred resources builds no hundred objects to serialise them once.
    public func write(location: String, into writer: inout JSONWriter) {
        writer.appendRaw("{\"resourceType\":")
        writer.writeString(resourceType)
        writer.appendRaw(",\"created\":")
        writer.writeString(created)
        writer.appendRaw(",\"lastModified\":")
        writer.writeString(lastModified)
        writer.appendRaw(",\"location\":")
        writer.writeString(location)
        writer.appendRaw(",\"version\":")
        writer.writeString(etag)
        writer.appendRaw("}")
    }

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
