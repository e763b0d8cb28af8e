import Foundation

/// The console's cookies: reading the `Cookie` header and writing `Set-Cookie`.
enum Cookies {
    /// The session's secret; sent only to `/admin`, never readable by script, never cross-site.
    static let session = "scimsync_admin"
    /// The sign-in form's own CSRF token (there is no session yet to hold one).
    static let signIn = "scimsync_admin_signin"

    /// The value of the cookie `name` in a `Cookie` header, or nil.
    static func value(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// `Set-Cookie` for `name`: `HttpOnly`, `SameSite=Strict`, path `/admin`, `Secure` over HTTPS;
    /// a session cookie (no expiry: the server's session expires).
    static func set(_ name: String, _ value: String, secure: Bool) -> (name: String, value: String) {
        ("Set-Cookie", "\(name)=\(value); Path=/admin; HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")")
    }

    /// `Set-Cookie` that removes `name`.
    static func clear(_ name: String, secure: Bool) -> (name: String, value: String) {
        ("Set-Cookie", "\(name)=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")")
    }
}
