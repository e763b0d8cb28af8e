import FastCGI

#if canImport(Glibc)
import Glibc
#endif

// The benchmark ceiling: the same libfcgi worker loop as scimsync-fcgi, answering a fixed
// 1 KB JSON document, so that a benchmark can compare ScimSync with the most any FastCGI
// responder on this binding can do on this machine.
// Usage: bare-fcgi SOCKET_PATH [WORKERS]

struct FixedDocument: FastCGIHandler {
    let body: [UInt8]

    func respond(to request: borrowing FastCGIRequest) -> FastCGIResponse {
        FastCGIResponse(status: 200, headers: [("Content-Type", "application/scim+json")], body: body)
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: bare-fcgi SOCKET_PATH [WORKERS]")
    exit(2)
}
let padding = String(repeating: "x", count: 1024 - 40)
let document = Array("{\"schemas\":[\"fixed\"],\"padding\":\"\(padding)\"}".utf8)
let workers = arguments.count > 2 ? Int(arguments[2]) ?? 8 : 8
let server = FastCGIServer(
    listener: .unixSocket(path: arguments[1], mode: 0o666),
    handlers: Array(repeating: FixedDocument(body: document), count: max(1, workers))
)
do {
    try server.run()
} catch {
    print("bare-fcgi: \(error)")
    exit(1)
}
