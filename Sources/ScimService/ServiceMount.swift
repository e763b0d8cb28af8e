/// An API the responder serves beside SCIM, under a path prefix of its own: requests under
/// `prefix` go to `respond` (counted, measured and logged like every other answer).
public struct ServiceMount: Sendable {
    public var prefix: String
    public var respond: @Sendable (ServiceRequest) -> ServiceResponse

    public init(prefix: String, respond: @escaping @Sendable (ServiceRequest) -> ServiceResponse) {
        self.prefix = prefix
        self.respond = respond
    }

    /// Whether `path` is under the prefix, or is the prefix without its final slash (`/admin`).
    public func serves(_ path: String) -> Bool {
        path.hasPrefix(prefix) || (prefix.hasSuffix("/") && path == prefix.dropLast())
    }
}
