import CFastCGI

/// One request accepted by a worker, valid only while its handler runs.
///
/// Parameters are read straight from libfcgi's environment block on demand, so a handler
/// pays only for the ones it asks for.
public struct FastCGIRequest: ~Copyable {
    let raw: UnsafeMutablePointer<FCGX_Request>

    /// The value of one FastCGI parameter (`REQUEST_METHOD`, `HTTP_AUTHORIZATION`, ...).
    public func parameter(_ name: String) -> String? {
        guard let value = FCGX_GetParam(name, raw.pointee.envp) else { return nil }
        return String(cString: value)
    }

    /// Reads the request body to its end, or stops once it is longer than `limit` bytes.
    ///
    /// Reads to EOF rather than trusting `CONTENT_LENGTH`: mod_proxy_fcgi omits it for chunked bodies.
    public func readBody(limit: Int) -> BodyReadResult {
        var body: [UInt8] = []
        if let declared = parameter("CONTENT_LENGTH").flatMap(Int.init), declared > limit {
            return .tooLarge
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    FCGX_GetStr($0, Int32(buffer.count), raw.pointee.in)
                }
            }
            if count <= 0 { break }
            body.append(contentsOf: chunk[0..<Int(count)])
            if body.count > limit { return .tooLarge }
        }
        return .complete(body)
    }
}

/// The outcome of reading a request body.
public enum BodyReadResult: Sendable {
    case complete([UInt8])
    case tooLarge
}
