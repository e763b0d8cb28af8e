/// The endpoint a request path names, as metrics label it: a fixed set of names (`Users`,
/// `Users/{id}`, `Bulk`…), never the path's own text, so the series stay few whatever clients send.
public enum EndpointLabel {
    public static func of(path: String) -> String {
        of(segments: path.pathSegments)
    }

    /// The label of a path split into its segments (``ServiceRequest/segments``).
    public static func of(segments: [Substring]) -> String {
        if segments.count == 1, let only = segments.first, ["health", "metrics"].contains(only) { return String(only) }
        if segments.first == "crowd" { return "crowd" }
        guard segments.count >= 3, segments[0] == "scim", segments[2] == "v2" else { return "other" }
        let rest = segments.dropFirst(3)
        guard let resource = rest.first else { return "base" }
        switch (resource, rest.count) {
        case ("Users", 1), ("Groups", 1), (".search", 1), ("Bulk", 1), ("ServiceProviderConfig", 1):
            return String(resource)
        case ("Users", 2), ("Groups", 2):
            return rest.last == ".search" ? "\(resource)/.search" : "\(resource)/{id}"
        case ("ResourceTypes", _), ("Schemas", _):
            return String(resource)
        default:
            return "other"
        }
    }
}
