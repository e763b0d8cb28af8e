/// A SCIM error response (RFC 7644 §3.12): an HTTP status, an optional `scimType` and a detail.
public struct ScimError: Error, Equatable, CustomStringConvertible {
    public let status: Int
    public let scimType: ScimErrorType?
    public let detail: String

    public init(status: Int, scimType: ScimErrorType? = nil, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    public var description: String {
        "\(status)\(scimType.map { " \($0.rawValue)" } ?? ""): \(detail)"
    }

    /// The error body; `status` is a string, as RFC 7644 §3.12 shows it.
    public var body: JSONValue {
        var object = JSONObject([
            ("schemas", .array([.string(ScimSchemaURN.error)])),
            ("status", .string(String(status))),
        ])
        if let scimType { object["scimType"] = .string(scimType.rawValue) }
        object["detail"] = .string(detail)
        return .object(object)
    }

    public static func invalidSyntax(_ detail: String) -> ScimError {
        ScimError(status: 400, scimType: .invalidSyntax, detail: detail)
    }

    public static func invalidValue(_ detail: String) -> ScimError {
        ScimError(status: 400, scimType: .invalidValue, detail: detail)
    }

    public static func invalidFilter(_ detail: String) -> ScimError {
        ScimError(status: 400, scimType: .invalidFilter, detail: detail)
    }

    public static func invalidPath(_ detail: String) -> ScimError {
        ScimError(status: 400, scimType: .invalidPath, detail: detail)
    }

    public static func noTarget(_ detail: String) -> ScimError {
        ScimError(status: 400, scimType: .noTarget, detail: detail)
    }

    public static func mutability(_ detail: String) -> ScimError {
        ScimError(status: 400, scimType: .mutability, detail: detail)
    }

    public static func uniqueness(_ detail: String) -> ScimError {
        ScimError(status: 409, scimType: .uniqueness, detail: detail)
    }

    public static func tooMany(_ detail: String) -> ScimError {
        ScimError(status: 400, scimType: .tooMany, detail: detail)
    }

    public static func notFound(_ detail: String) -> ScimError {
        ScimError(status: 404, detail: detail)
    }

    public static func unauthorized(_ detail: String = "A valid bearer token is required.") -> ScimError {
        ScimError(status: 401, detail: detail)
    }

    public static func preconditionFailed(_ detail: String) -> ScimError {
        ScimError(status: 412, detail: detail)
    }

    public static func payloadTooLarge(_ limit: Int) -> ScimError {
        ScimError(status: 413, detail: "The request body is larger than \(limit) bytes (limit maxBodyBytes = \(limit), set by --max-body-bytes).")
    }

    public static func unsupportedMediaType(_ contentType: String) -> ScimError {
        ScimError(status: 415, detail: "Content type '\(contentType)' is not accepted: send application/scim+json or application/json.")
    }

    public static func methodNotAllowed(_ method: String, _ path: String) -> ScimError {
        ScimError(status: 405, detail: "\(method) is not supported on \(path).")
    }

    public static func internalError() -> ScimError {
        ScimError(status: 500, detail: "The server could not complete the request; nothing was changed.")
    }

    public static func unavailable(_ detail: String) -> ScimError {
        ScimError(status: 503, detail: detail)
    }
}

/// The `scimType` keywords of RFC 7644 §3.12.
public enum ScimErrorType: String, Sendable {
    case invalidFilter, tooMany, uniqueness, mutability, invalidSyntax
    case invalidPath, noTarget, invalidValue, invalidVers, sensitive
    /// RFC 9865: a cursor the server did not issue.
    case invalidCursor
}
