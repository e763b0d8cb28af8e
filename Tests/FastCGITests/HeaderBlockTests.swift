import Testing

@testable import FastCGI

@Suite struct HeaderBlockTests {
    private func text(_ response: FastCGIResponse) -> String {
        String(decoding: response.headerBlock(), as: UTF8.self)
    }

    @Test func statusHeadersAndLengthInOrder() {
        let response = FastCGIResponse(status: 201, headers: [("ETag", "W/\"1\""), ("Location", "/é")], body: Array("{}".utf8))
        #expect(text(response) == "Status: 201 Created\r\nETag: W/\"1\"\r\nLocation: /é\r\nContent-Length: 2\r\n\r\n")
    }

    /// A header whose name or value could end its line is left out, so that it cannot add headers of its own.
    @Test(arguments: ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\u{0}b"])
    func aHeaderThatCouldEndItsLineIsDropped(injected: String) {
        let response = FastCGIResponse(status: 200, headers: [("X-A", injected), (injected, "v"), ("X-B", "kept")])
        #expect(text(response) == "Status: 200 OK\r\nX-B: kept\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func aStreamedBodyHasNoLength() {
        let response = FastCGIResponse(status: 200, streamBody: { _ in })
        #expect(text(response) == "Status: 200 OK\r\n\r\n")
    }
}
