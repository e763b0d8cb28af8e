import Foundation

/// The public URL an IdP reaches the web server by, as an app keeps it: `http(s)://host[:port][/path]`
/// without a trailing slash, query, fragment or user info. Responses put it in front of
/// `/scim/<app>/v2` in every `Location`, `meta.location` and `$ref`.
public enum PublicBaseURL {
    /// The longest URL accepted, in bytes.
    public static let maxBytes = 512

    /// What a refusal says.
    public static let expected =
        "a URL such as https://scim.example.com (http or https, a host, an optional port and path, no query, at most \(maxBytes) bytes)"

    /// The URL without its trailing slash, or nil when it is not one this server can use.
    public static func normalized(_ text: String) -> String? {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard trimmed.utf8.count <= maxBytes,
            trimmed.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }),
            let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil, components.user == nil, components.password == nil
        else { return nil }
        return trimmed
    }
}
