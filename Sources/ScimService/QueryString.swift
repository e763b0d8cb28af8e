/// Decodes `application/x-www-form-urlencoded` query strings: `+` is a space (Entra ID encodes
/// filters that way) and `%XX` a byte.
public enum QueryString {
    public static func parse(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        // Split on UTF-8 bytes, not `Character`s (grapheme breaking was most of the cost).
        for bytes in query.utf8.split(separator: UInt8(ascii: "&")) {
            let pair = Substring(bytes)
            let equals = pair.utf8.firstIndex(of: UInt8(ascii: "="))
            guard let name = decode(equals.map { pair[..<$0] } ?? pair), !name.isEmpty else { continue }
            result[name] = equals.map { decode(pair[pair.utf8.index(after: $0)...]) ?? "" } ?? ""
        }
        return result
    }

    /// Percent-decodes one component; `nil` if the bytes are not UTF-8.
    public static func decode(_ text: Substring, plusIsSpace: Bool = true) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// The non-empty `/`-separated segments of a URL path, split on UTF-8 bytes where the
    /// string holds them: splitting by `Character`, then stepping through `utf8`'s indices,
    /// were each a visible part of every request's cost.
    var pathSegments: [Substring] {
        var text = self
        return text.withUTF8 { bytes in
            var segments: [Substring] = []
            segments.reserveCapacity(8)
            var start = 0
            for offset in 0...bytes.count where offset == bytes.count || bytes[offset] == UInt8(ascii: "/") {
                if start < offset { segments.append(self[utf8.index(startIndex, offsetBy: start)..<utf8.index(startIndex, offsetBy: offset)]) }
                start = offset + 1
            }
            return segments
        }
    }
}
