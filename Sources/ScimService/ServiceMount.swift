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
    /// Compared as bytes, as the web server routed it (and asked of every request: comparing
    /// by `Character` cost more than the rest of routing).
    public func serves(_ path: String) -> Bool {
        let path = path.utf8
        let prefix = prefix.utf8
        if path.starts(with: prefix) { return true }
        return prefix.last == UInt8(ascii: "/") && path.count == prefix.count - 1 && prefix.starts(with: path)
    }
}
