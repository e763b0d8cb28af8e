import SCIM

/// An HTTP response: status, headers, body.
public struct ServiceResponse: Sendable {
    public static let scimContentType = "application/scim+json"

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Writes a body too large to hold whole, piece by piece, once the headers are sent; nil: the
    /// body is `body`. It runs after the answer is logged, on the worker's thread. `write` answers
    /// false once the web server is gone (the client disconnected): the body should stop there
    /// rather than walk the rest of its data for no one.
    public var streamBody: (@Sendable (_ write: ([UInt8]) -> Bool) -> Void)?

    public init(
        status: Int,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        streamBody: (@Sendable (_ write: ([UInt8]) -> Bool) -> Void)? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.streamBody = streamBody
    }

    /// A SCIM JSON response.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = []) -> ServiceResponse {
        ServiceResponse(status: status, headers: [("Content-Type", scimContentType)] + headers, body: body)
    }

    public static func json(_ status: Int, _ value: JSONValue) -> ServiceResponse {
        json(status, JSONWriter.serialize(value))
    }

    /// The SCIM error body for `error`; a 401 also challenges for a bearer token.
    public static func error(_ error: ScimError) -> ServiceResponse {
        var response = json(error.status, error.body)
        if error.status == 401 {
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"scimsync\""))
        }
        return response
    }

    public static let noContent = ServiceResponse(status: 204)
}
