/// What a handler answers: a status, headers and a body, written back as a CGI response.
public struct FastCGIResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The CGI header block: `Status:` first, then the headers, then a blank line.
    func headerBlock() -> [UInt8] {
        var text = "Status: \(status) \(HTTPStatusPhrase.phrase(for: status))\r\n"
        for header in headers {
            text += "\(header.name): \(header.value)\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8)
    }
}
