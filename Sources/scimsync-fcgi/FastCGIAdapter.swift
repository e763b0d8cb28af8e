import FastCGI
import ScimService

/// Turns FastCGI parameters into a ``ServiceRequest`` and a ``ServiceResponse`` back into CGI output.
struct FastCGIAdapter: FastCGIHandler {
    let application: ScimApplication
    let bodyLimit: Int

    func respond(to request: borrowing FastCGIRequest) -> FastCGIResponse {
        let response = application.respond(to: serviceRequest(from: request))
        return FastCGIResponse(status: response.status, headers: response.headers, body: response.body, streamBody: response.streamBody)
    }

    /// The parameters a request is made of, read in one pass, in ``Parameter``'s order.
    private static let names = ParameterNames(Parameter.allCases.map(\.name))

    /// What the service reads of a request; its raw value is its place in ``names``.
    private enum Parameter: Int, CaseIterable {
        case method, uri, query, authorization, contentType, contentLength, host, scheme, https, forwardedProto
        case ifMatch, ifNoneMatch, requestID, accept, cookie, remoteAddress

        var name: String {
            switch self {
            case .method: "REQUEST_METHOD"
            case .uri: "REQUEST_URI"
            case .query: "QUERY_STRING"
            case .authorization: "HTTP_AUTHORIZATION"
            case .contentType: "CONTENT_TYPE"
            case .contentLength: "CONTENT_LENGTH"
            case .host: "HTTP_HOST"
            case .scheme: "REQUEST_SCHEME"
            case .https: "HTTPS"
            case .forwardedProto: "HTTP_X_FORWARDED_PROTO"
            case .ifMatch: "HTTP_IF_MATCH"
            case .ifNoneMatch: "HTTP_IF_NONE_MATCH"
            case .requestID: "HTTP_X_REQUEST_ID"
            case .accept: "HTTP_ACCEPT"
            case .cookie: "HTTP_COOKIE"
            case .remoteAddress: "REMOTE_ADDR"
            }
        }
    }

    private func serviceRequest(from request: borrowing FastCGIRequest) -> ServiceRequest {
        let values = request.parameters(Self.names)
        func value(_ parameter: Parameter) -> String? { values[parameter.rawValue] }
        let method = value(.method) ?? "GET"
        let uri = value(.uri) ?? "/"
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(uri[..<$0]) } ?? uri
        let query = value(.query) ?? ""
        let headers = RequestHeaders(
            authorization: value(.authorization),
            contentType: value(.contentType).flatMap { $0.isEmpty ? nil : $0 },
            host: value(.host),
            scheme: Self.scheme(requestScheme: value(.scheme), https: value(.https), forwardedProto: value(.forwardedProto)),
            ifMatch: value(.ifMatch),
            ifNoneMatch: value(.ifNoneMatch),
            requestID: value(.requestID),
            accept: value(.accept),
            cookie: value(.cookie),
            remoteAddress: value(.remoteAddress)
        )
        let body: ServiceRequest.Body
        if method == "GET" || method == "DELETE" || method == "HEAD" {
            body = .bytes([])
        } else {
            switch request.readBody(limit: bodyLimit, declaredLength: value(.contentLength).flatMap(Int.init)) {
            case .complete(let bytes): body = .bytes(bytes)
            case .tooLarge: body = .tooLarge(limit: bodyLimit)
            }
        }
        return ServiceRequest(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// nginx sets `REQUEST_SCHEME` (and `HTTPS=on`); Apache sets `HTTPS`; a proxy in front may
    /// say `X-Forwarded-Proto`.
    private static func scheme(requestScheme: String?, https: String?, forwardedProto: String?) -> String {
        if let requestScheme, !requestScheme.isEmpty { return requestScheme }
        if let https, https.lowercased() == "on" || https == "1" { return "https" }
        if let forwardedProto, !forwardedProto.isEmpty { return forwardedProto }
        return "http"
    }
}
