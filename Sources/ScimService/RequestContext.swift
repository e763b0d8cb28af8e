import DirectoryStore
import SCIM
import SyncRules

/// What every endpoint needs to know about an authenticated request.
struct RequestContext {
    let request: ServiceRequest
    let app: AuthenticatedApp
    /// `<scheme>://<host>/scim/<app>/v2`
    let baseURL: String
    /// The body already parsed: a `/Bulk` operation's `data`, checked with the bulk request.
    var parsedBody: JSONValue? = nil
    /// False for a `/Bulk` operation, whose answer keeps only its status, `ETag` and `Location`:
    /// its resource is neither looked up nor rendered.
    var answersWithBody = true
    /// A `/Bulk` create of a user, prepared before the operations' transaction (or why it could
    /// not be): `POST /Users` stores it instead of preparing the body again.
    var preparedUser: Result<PreparedUser, ScimError>? = nil

    var audit: AuditContext {
        AuditContext(appID: app.id, appName: app.name, requestID: request.headers.requestID)
    }

    var queryParameters: [String: String] { request.query.isEmpty ? [:] : QueryString.parse(request.query) }

    /// The request body as JSON, after the checks every write shares: size, content type, syntax.
    func jsonBody() throws(ScimError) -> JSONValue {
        if let parsedBody { return parsedBody }
        let bytes: [UInt8]
        switch request.body {
        case .tooLarge(let limit): throw .payloadTooLarge(limit)
        case .bytes(let received): bytes = received
        }
        if let contentType = request.headers.contentType {
            let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
            guard mediaType == "application/scim+json" || mediaType == "application/json" else {
                throw .unsupportedMediaType(contentType)
            }
        }
        guard !bytes.isEmpty else { throw .invalidSyntax("The request body is empty.") }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw .invalidSyntax("The request body is not valid JSON: \(error.description).")
        }
    }

    func location(_ endpoint: String, _ id: String) -> String {
        Self.location(baseURL: baseURL, endpoint, id)
    }

    /// ``location(_:_:)`` under `baseURL`, for a caller that outlives its request's context.
    static func location(baseURL: String, _ endpoint: String, _ id: String) -> String {
        "\(baseURL)\(endpoint)/\(id)"
    }
}

extension RequestContext {
    /// The value conversions of the app's provider profile.
    var conversions: ValueConversions { app.provider.valueConversions }

    /// The PATCH deviations of the app's provider profile.
    var patchDialect: PatchDialect { app.provider.patchDialect }
}
