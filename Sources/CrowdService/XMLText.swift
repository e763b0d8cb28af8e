/// Builds an XML document by hand: element and attribute text escaped, characters XML 1.0 cannot
/// carry at all (most controls, lone surrogates cannot occur in a Swift string) replaced by U+FFFD.
struct XMLText {
    private(set) var bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>".utf8)

    /// The bytes written since the last call, for a body sent piece by piece.
    mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// `<name a="v"...>`, or `<name .../>` when `empty`.
    mutating func open(_ name: String, _ attributes: [(String, String?)] = [], empty: Bool = false) {
        bytes.append(UInt8(ascii: "<"))
        bytes += name.utf8
        for (key, value) in attributes {
            guard let value else { continue }
            bytes += " \(key)=\"".utf8
            Self.escape(value, into: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes += (empty ? "/>" : ">").utf8
    }

    mutating func close(_ name: String) {
        bytes += "</\(name)>".utf8
    }

    /// `<name>text</name>`; nothing when `text` is nil.
    mutating func element(_ name: String, _ text: String?) {
        guard let text else { return }
        open(name)
        Self.escape(text, into: &bytes)
        close(name)
    }

    /// Escapes `&`, `<`, `>`, `"` and `'`, and replaces what XML 1.0 forbids.
    static func escape(_ text: String, into bytes: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": bytes += "&amp;".utf8
            case "<": bytes += "&lt;".utf8
            case ">": bytes += "&gt;".utf8
            case "\"": bytes += "&quot;".utf8
            case "'": bytes += "&apos;".utf8
            case "\t", "\n": bytes += String(scalar).utf8
            case "\r": bytes += "&#13;".utf8
            default:
                let allowed = scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
                bytes += String(allowed ? scalar : "\u{FFFD}").utf8
            }
        }
    }
}
