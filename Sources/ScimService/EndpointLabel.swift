/// The endpoint a request path names, as metrics label it: a fixed set of names (`Users`,
/// `Users/{id}`, `Bulk`…), never the path's own text, so the series stay few whatever clients send.
public enum EndpointLabel {
    public static func of(path: String) -> String {
        of(segments: path.pathSegments)
    }

    /// The label of a path split into its segments (``ServiceRequest/segments``).
    public static func of(segments: [Substring]) -> String {
        if segments.count == 1, let only = segments.first {
            if only == "health" { return "health" }
            if only == "metrics" { return "metrics" }
        }
        if segments.first == "crowd" { return "crowd" }
        guard segments.count >= 3, segments[0] == "scim", segments[2] == "v2" else { return "other" }
        let rest = segments.dropFirst(3)
        guard let resource = rest.first else { return "base" }
        // Labels are literals: building them from the path cost allocations on every request.
        switch (resource, rest.count) {
        case ("Users", 1): return "Users"
        case ("Groups", 1): return "Groups"
        case (".search", 1): return ".search"
        case ("Bulk", 1): return "Bulk"
        case ("ServiceProviderConfig", 1): return "ServiceProviderConfig"
        case ("Users", 2): return rest.last == ".search" ? "Users/.search" : "Users/{id}"
        case ("Groups", 2): return rest.last == ".search" ? "Groups/.search" : "Groups/{id}"
        case ("ResourceTypes", _): return "ResourceTypes"
        case ("Schemas", _): return "Schemas"
        default: return "other"
        }
    }
}
