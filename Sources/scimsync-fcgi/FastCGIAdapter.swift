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

    private func serviceRequest(from request: borrowing FastCGIRequest) -> ServiceRequest {
        let method = request.parameter("REQUEST_METHOD") ?? "GET"
        let uri = request.parameter("REQUEST_URI") ?? "/"
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(uri[..<$0]) } ?? uri
        let query = request.parameter("QUERY_STRING") ?? ""
        let headers = RequestHeaders(
            authorization: request.parameter("HTTP_AUTHORIZATION"),
            contentType: request.parameter("CONTENT_TYPE").flatMap { $0.isEmpty ? nil : $0 },
            host: request.parameter("HTTP_HOST"),
            scheme: scheme(of: request),
            ifMatch: request.parameter("HTTP_IF_MATCH"),
            ifNoneMatch: request.parameter("HTTP_IF_NONE_MATCH"),
            requestID: request.parameter("HTTP_X_REQUEST_ID"),
            accept: request.parameter("HTTP_ACCEPT"),
            cookie: request.parameter("HTTP_COOKIE"),
            remoteAddress: request.parameter("REMOTE_ADDR")
        )
        let body: ServiceRequest.Body
        if method == "GET" || method == "DELETE" || method == "HEAD" {
            body = .bytes([])
        } else {
            switch request.readBody(limit: bodyLimit) {
            case .complete(let bytes): body = .bytes(bytes)
            case .tooLarge: body = .tooLarge(limit: bodyLimit)
            }
        }
        return ServiceRequest(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// nginx sets `REQUEST_SCHEME` (and `HTTPS=on`); Apache sets `HTTPS`; a proxy in front may
    /// say `X-Forwarded-Proto`.
    private func scheme(of request: borrowing FastCGIRequest) -> String {
        if let scheme = request.parameter("REQUEST_SCHEME"), !scheme.isEmpty { return scheme }
        if let https = request.parameter("HTTPS"), https.lowercased() == "on" || https == "1" { return "https" }
        if let forwarded = request.parameter("HTTP_X_FORWARDED_PROTO"), !forwarded.isEmpty { return forwarded }
        return "http"
    }
}
