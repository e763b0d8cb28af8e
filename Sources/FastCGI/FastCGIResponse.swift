/// What a handler answers: a status, headers and a body, written back as a CGI response.
public struct FastCGIResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Writes a body too large to hold whole, piece by piece, after the headers (sent without
    /// `Content-Length`); nil: the body is `body`.
    public var streamBody: (@Sendable (_ write: ([UInt8]) -> Void) -> Void)?

    public init(
        status: Int,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        streamBody: (@Sendable (_ write: ([UInt8]) -> Void) -> Void)? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.streamBody = streamBody
    }

    /// The CGI header block: `Status:` first, then the headers, then a blank line.
    private static func breaksTheLine(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
    }

    func headerBlock() -> [UInt8] {
        var text = "Status: \(status) \(HTTPStatusPhrase.phrase(for: status))\r\n"
        // A value that could end the header line is dropped: whatever made it, it must not add
        // headers of its own (the service checks what it puts there; this is the last line).
        for header in headers where !Self.breaksTheLine(header.name) && !Self.breaksTheLine(header.value) {
            text += "\(header.name): \(header.value)\r\n"
        }
        if streamBody == nil { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }
}
