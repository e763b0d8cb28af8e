/// An HTTP request as the service sees it, whatever front end delivered it.
public struct ServiceRequest: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// The front end stopped reading past the size limit.
        case tooLarge(limit: Int)
    }

    public var method: String
    /// The path, percent-encoded as received, without the query string.
    public var path: String {
        didSet { segments = path.pathSegments }
    }
    /// The path's non-empty `/`-separated segments, split once for routing and for metrics.
    public private(set) var segments: [Substring]
    public var query: String
    public var headers: RequestHeaders
    public var body: Body

    public init(
        method: String,
        path: String,
        query: String = "",
        headers: RequestHeaders = RequestHeaders(),
        body: Body = .bytes([])
    ) {
        self.method = method
        self.path = path
        self.segments = path.pathSegments
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// The request headers the service reads.
public struct RequestHeaders: Sendable {
    public var authorization: String?
    public var contentType: String?
    /// `Host` as the client sent it (with port), for `meta.location`.
    public var host: String?
    /// `http` or `https`, as the web server forwards it.
    public var scheme: String
    public var ifMatch: String?
    public var ifNoneMatch: String?
    public var requestID: String?
    /// `Accept`, for the APIs that answer more than one type (the Crowd API).
    public var accept: String?
    /// `Cookie`, read only by the admin console, never by the SCIM endpoints.
    public var cookie: String?
    /// The client's address as the web server saw it (`REMOTE_ADDR`): the Crowd API's allowed
    /// addresses, the console's sign-in throttling.
    public var remoteAddress: String?

    public init(
        authorization: String? = nil,
        contentType: String? = nil,
        host: String? = nil,
        scheme: String = "http",
        ifMatch: String? = nil,
        ifNoneMatch: String? = nil,
        requestID: String? = nil,
        accept: String? = nil,
        cookie: String? = nil,
        remoteAddress: String? = nil
    ) {
        self.authorization = authorization
        self.contentType = contentType
        self.host = host
        self.scheme = scheme
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.requestID = requestID
        self.accept = accept
        self.cookie = cookie
        self.remoteAddress = remoteAddress
    }
}
