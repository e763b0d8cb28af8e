import ScimService

/// The console's answers: HTML pages, redirects and its two assets, each with the headers that
/// keep the pages out of frames, caches and other origins' scripts.
enum ConsoleResponse {
    /// No inline script or style, nothing from another origin, forms only to the console.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]

    static func page(_ status: Int, _ markup: HTML, headers: [(name: String, value: String)] = []) -> ServiceResponse {
        ServiceResponse(
            status: status,
            headers: [("Content-Type", "text/html; charset=utf-8")] + securityHeaders + headers,
            body: Array(markup.text.utf8)
        )
    }

    /// `303 See Other` to a path of the console (never to one a request named).
    static func redirect(_ location: String, headers: [(name: String, value: String)] = []) -> ServiceResponse {
        ServiceResponse(status: 303, headers: [("Location", location)] + securityHeaders + headers)
    }

    static func asset(_ contentType: String, _ text: String) -> ServiceResponse {
        ServiceResponse(status: 200, headers: [("Content-Type", contentType)] + securityHeaders, body: Array(text.utf8))
    }

    /// A file to save (`Content-Disposition: attachment`).
    static func download(_ contentType: String, filename: String, _ bytes: [UInt8]) -> ServiceResponse {
        ServiceResponse(
            status: 200,
            headers: [("Content-Type", contentType), ("Content-Disposition", "attachment; filename=\"\(filename)\"")] + securityHeaders,
            body: bytes
        )
    }
}
