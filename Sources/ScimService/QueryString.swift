/// Decodes `application/x-www-form-urlencoded` query strings: `+` is a space (Entra ID encodes
/// filters that way) and `%XX` a byte.
public enum QueryString {
    public static func parse(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        // Split and decode on the UTF-8 bytes where the string holds them: by `Character`,
        // grapheme breaking was most of the cost, and through `utf8` views still half of it.
        var query = query
        query.withUTF8 { bytes in
            for pair in bytes.split(separator: UInt8(ascii: "&")) {
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                guard let name = decode(pair[..<(equals ?? pair.endIndex)], plusIsSpace: true), !name.isEmpty else { continue }
                result[name] = equals.map { decode(pair[($0 + 1)...], plusIsSpace: true) ?? "" } ?? ""
            }
        }
        return result
    }

    /// Percent-decodes one component; `nil` if the bytes are not UTF-8.
    public static func decode(_ text: Substring, plusIsSpace: Bool = true) -> String? {
        var text = text
        return text.withUTF8 { decode($0[...], plusIsSpace: plusIsSpace) }
    }

    private static func decode(_ source: Slice<UnsafeBufferPointer<UInt8>>, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.count)
        var index = source.startIndex
        while index < source.endIndex {
            let byte = source[index]
            index += 1
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index + 1 < source.endIndex, let high = hexValue(source[index]), let low = hexValue(source[index + 1]) else {
                    return nil
                }
                bytes.append(high << 4 | low)
                index += 2
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
            var offset = 0
            // A while loop: iterating a closed range was most of this function's cost.
            while offset <= bytes.count {
                if offset == bytes.count || bytes[offset] == UInt8(ascii: "/") {
                    if start < offset { segments.append(self[utf8.index(startIndex, offsetBy: start)..<utf8.index(startIndex, offsetBy: offset)]) }
                    start = offset + 1
                }
                offset += 1
            }
            return segments
        }
    }
}
