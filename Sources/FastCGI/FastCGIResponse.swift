/// What a handler answers: a status, headers and a body, written back as a CGI response.
public struct FastCGIResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Writes a body too large to hold whole, piece by piece, after the headers (sent without
    /// `Content-Length`); nil: the body is `body`. `write` answers false once a write failed.
    public var streamBody: (@Sendable (_ write: ([UInt8]) -> Bool) -> Void)?

    public init(
        status: Int,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        streamBody: (@Sendable (_ write: ([UInt8]) -> Bool) -> Void)? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.streamBody = streamBody
    }

    private static func breaksTheLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") || byte == 0 { return true }
        return false
    }

    /// Appends `name: value` and its line end, each read once where the string holds its bytes;
    /// a header that could end the line is dropped: whatever made it, it must not add headers of
    /// its own (the service checks what it puts there; this is the last line).
    private static func append(_ name: String, _ value: String, to block: inout [UInt8]) {
        var name = name
        var value = value
        name.withUTF8 { name in
            value.withUTF8 { value in
                guard !breaksTheLine(name), !breaksTheLine(value) else { return }
                block.append(contentsOf: name)
                block.append(UInt8(ascii: ":"))
                block.append(UInt8(ascii: " "))
                block.append(contentsOf: value)
                block.append(UInt8(ascii: "\r"))
                block.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// The CGI header block: `Status:` first, then the headers (`Content-Length` unless the body
    /// is streamed), then a blank line, as bytes appended to one buffer (no `String` per line).
    func headerBlock() -> [UInt8] {
        var block: [UInt8] = []
        block.reserveCapacity(256)
        block.appendUTF8("Status: ")
        Self.appendDecimal(status, to: &block)
        block.append(UInt8(ascii: " "))
        block.appendUTF8(HTTPStatusPhrase.phrase(for: status))
        block.appendUTF8("\r\n")
        for header in headers { Self.append(header.name, header.value, to: &block) }
        if streamBody == nil {
            block.appendUTF8("Content-Length: ")
            Self.appendDecimal(body.count, to: &block)
            block.appendUTF8("\r\n")
        }
        block.appendUTF8("\r\n")
        return block
    }

    private static func appendDecimal(_ value: Int, to block: inout [UInt8]) {
        guard value >= 10 else {
            block.append(UInt8(ascii: "0") + UInt8(max(0, value)))
            return
        }
        appendDecimal(value / 10, to: &block)
        block.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}

extension [UInt8] {
    /// Appends a string's UTF-8 bytes in one copy: appending `utf8` as a sequence went byte by byte.
    mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}
