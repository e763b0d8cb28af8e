/// Serialises ``JSONValue`` to compact UTF-8 JSON.
///
/// Scans strings byte by byte and copies runs that need no escaping in one go: building JSON
/// character by character in `String` halved a responder's throughput.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// Drops everything written after the first `count` bytes.
    public mutating func truncate(to count: Int) {
        bytes.removeSubrange(count...)
    }

    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.bytes
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: serialize(value), as: UTF8.self)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: appendRaw("null")
        case .bool(let flag): appendRaw(flag ? "true" : "false")
        case .number(let text): appendRaw(text)
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends bytes that are already valid JSON (a stored resource, for instance).
    public mutating func appendRaw(_ text: String) {
        // In one copy: appending `utf8` as a sequence went byte by byte.
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func appendRaw(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    public mutating func appendRaw(_ raw: ArraySlice<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// Appends an integer in decimal, without building its text first.
    public mutating func appendInteger(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(of: value.magnitude)
    }

    /// Appends `thousandths / 1000` as a JSON number with at least one decimal and no trailing
    /// zeros (`1.5`, `0.012`, `3.0`): what `Double`'s description gives such a value.
    public mutating func appendThousandths(_ thousandths: Int) {
        if thousandths < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = thousandths.magnitude
        appendDigits(of: magnitude / 1000)
        bytes.append(UInt8(ascii: "."))
        var fraction = magnitude % 1000
        var width = 3
        while width > 1, fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        appendDigits(of: fraction, width: width)
    }

    /// The decimal digits of `value`, zero-padded to at least `width`.
    private mutating func appendDigits(of value: UInt, width: Int = 1) {
        var divisor: UInt = 1
        for _ in 1..<max(width, 1) { divisor *= 10 }
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Makes room for `count` more bytes at once, instead of doubling up to them.
    public mutating func reserve(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    public mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscaped(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): appendRaw("\\\"")
        case UInt8(ascii: "\\"): appendRaw("\\\\")
        case 0x0A: appendRaw("\\n")
        case 0x0D: appendRaw("\\r")
        case 0x09: appendRaw("\\t")
        default:
            let hex = Array("0123456789abcdef".utf8)
            appendRaw("\\u00")
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }
}
