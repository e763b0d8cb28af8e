import CFastCGI
import Testing

@testable import FastCGI

#if canImport(Glibc)
import Glibc
#endif

/// The one-pass parameter read, on environment blocks as odd as a web server can send.
@Suite struct RequestParametersTests {
    private static let names = ParameterNames(["REQUEST_METHOD", "HTTP_AUTHORIZATION", "QUERY_STRING", "HTTPS"])

    /// The values `parameters` reads from an environment block of `entries`.
    private func read(_ entries: [String]) -> [String?] {
        var pointers: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeMutableBufferPointer { environment in
            var raw = FCGX_Request()
            raw.envp = environment.baseAddress
            return withUnsafeMutablePointer(to: &raw) { FastCGIRequest(raw: $0).parameters(Self.names) }
        }
    }

    @Test func readsTheNamedParametersInTheirOrder() {
        let values = read(["SCRIPT_NAME=/x", "QUERY_STRING=a=b&c", "HTTP_AUTHORIZATION=Bearer é€", "REQUEST_METHOD=GET"])
        #expect(values == ["GET", "Bearer é€", "a=b&c", nil])
    }

    @Test func theFirstOfARepeatedNameIsRead() {
        #expect(read(["HTTPS=on", "HTTPS=off", "REQUEST_METHOD=", "REQUEST_METHOD=POST"]) == ["", nil, nil, "on"])
    }

    /// No `=`, an empty name, a name that only starts like a known one, one longer than any: none is read.
    @Test func entriesThatNameNoKnownParameterAreSkipped() {
        let long = String(repeating: "H", count: 10_000) + "=x"
        let values = read(["HTTPS", "=GET", "HTTPSX=on", "HTTP=on", "REQUEST_METHOD_=GET", long, "", "QUERY_STRING=ok"])
        #expect(values == [nil, nil, "ok", nil])
    }

    @Test func anEmptyBlockReadsNothing() {
        #expect(read([]) == [nil, nil, nil, nil])
    }
}
