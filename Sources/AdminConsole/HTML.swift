/// Markup the console writes. Literal text in an `HTML` value is the code's own markup; every
/// `String` interpolated into one is escaped by ``HTML/escape(_:)``, so text from an IdP, an
/// admin or a request can never become markup.
///
/// ```swift
/// let row: HTML = "<td>\(user.name)</td>"   // user.name is escaped
/// ```
public struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public private(set) var text: String

    public init(stringLiteral value: String) {
        text = value
    }

    public init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    public var description: String { text }

    /// Interpolation that escapes strings and numbers and keeps ``HTML`` as it is.
    public struct Interpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        public mutating func appendInterpolation(_ value: String) {
            text += HTML.escape(value)
        }

        public mutating func appendInterpolation(_ value: String?) {
            text += HTML.escape(value ?? "")
        }

        public mutating func appendInterpolation(_ value: Int) {
            text += String(value)
        }

        public mutating func appendInterpolation(_ value: Int64) {
            text += String(value)
        }

        public mutating func appendInterpolation(_ markup: HTML) {
            text += markup.text
        }

        public mutating func appendInterpolation(_ markup: [HTML]) {
            for part in markup { text += part.text }
        }
    }

    /// `text` safe in element content and in a double- or single-quoted attribute value: `&`, `<`,
    /// `>`, `"` and `'` become character references, and control and bidirectional-override
    /// characters (an IdP's escape sequences, a name that reads backwards) are shown as `\u{1B}`,
    /// as the admin tool prints them.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\n", "\t": escaped.unicodeScalars.append(scalar)
            default:
                if isHidden(scalar) {
                    escaped += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    /// `text` as the value of a form field that must come back exactly as it was (a document
    /// carried from a preview to its confirmation): like ``escape(_:)``, but control and
    /// bidirectional characters become numeric character references, which the browser turns
    /// back into the characters, instead of visible `\u{…}` text. (NUL, which HTML cannot carry,
    /// becomes U+FFFD, and no document that holds one is valid anyway.)
    public static func fieldValue(_ text: String) -> HTML {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value == 0 {
                escaped += "&#xFFFD;"
            } else if isHidden(scalar) {
                escaped += "&#x\(String(scalar.value, radix: 16, uppercase: true));"
            } else {
                escaped += escape(String(scalar))
            }
        }
        return HTML(stringLiteral: escaped)
    }

    /// C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates.
    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: true
        default: false
        }
    }

    /// The parts, one after the other.
    public static func join(_ parts: [HTML]) -> HTML {
        HTML(stringLiteral: parts.map(\.text).joined())
    }
}
