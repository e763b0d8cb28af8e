/// A position in a result list for cursor pagination (RFC 9865).
///
/// Unsorted lists page by key (`k<pk>`: rows after the last one seen), which stays cheap deep
/// into a million-row table and never skips or repeats a row when others are inserted;
/// sorted lists page by offset (`o<n>`). Clients treat the text as opaque.
public enum PageCursor: Sendable, Equatable {
    case first
    case after(key: Int64)
    case offset(Int)

    /// Reads the `cursor` parameter; an empty value asks for the first page.
    public static func parse(_ text: String) throws(ScimError) -> PageCursor {
        if text.isEmpty { return .first }
        if text.hasPrefix("k"), let key = Int64(text.dropFirst()), key >= 0 { return .after(key: key) }
        if text.hasPrefix("o"), let offset = Int(text.dropFirst()), offset >= 0 { return .offset(offset) }
        throw ScimError(status: 400, scimType: .invalidCursor, detail: "The cursor '\(text)' is not one this server issued.")
    }

    public var text: String {
        switch self {
        case .first: ""
        case .after(let key): "k\(key)"
        case .offset(let offset): "o\(offset)"
        }
    }
}
