import CFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// One request accepted by a worker, valid only while its handler runs.
///
/// Parameters are read straight from libfcgi's environment block, in one pass for the names a
/// handler asks for, so it pays only for those.
public struct FastCGIRequest: ~Copyable {
    let raw: UnsafeMutablePointer<FCGX_Request>

    /// The values of the parameters named in `names`, in their order (nil for one not sent; the
    /// first of one sent twice), read in one pass over the environment block: looking each up
    /// alone (`FCGX_GetParam`) compared every name with every parameter nginx sends, thirty or so.
    public func parameters(_ names: ParameterNames) -> [String?] {
        var values = [String?](repeating: nil, count: names.count)
        guard var entry = raw.pointee.envp else { return values }
        while let text = entry.pointee {
            let nameLength = strcspn(text, "=")
            // The first of a repeated name, as `FCGX_GetParam` answers.
            if text[nameLength] == CChar(UInt8(ascii: "=")), let index = names.index(of: text, length: nameLength), values[index] == nil {
                values[index] = String(cString: text + nameLength + 1)
            }
            entry += 1
        }
        return values
    }

    /// Reads the request body to its end, or stops once it is longer than `limit` bytes;
    /// `declaredLength` is the request's `CONTENT_LENGTH`, if it sent one.
    ///
    /// Reads to EOF rather than trusting `CONTENT_LENGTH`: mod_proxy_fcgi omits it for chunked bodies.
    public func readBody(limit: Int, declaredLength declared: Int?) -> BodyReadResult {
        if let declared, declared > limit { return .tooLarge }
        var body: [UInt8] = []
        // The declared length only sizes the buffer; the body is read to its end whatever it says.
        body.reserveCapacity(min(max(declared ?? 0, 0), limit))
        // Read through a buffer on the stack: a zeroed 16 KB array for every write cost more than
        // copying most bodies.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { chunk in
            while true {
                let count = chunk.baseAddress!.withMemoryRebound(to: CChar.self, capacity: chunk.count) {
                    FCGX_GetStr($0, Int32(chunk.count), raw.pointee.in)
                }
                if count <= 0 { break }
                body.append(contentsOf: UnsafeMutableBufferPointer(rebasing: chunk[..<Int(count)]))
                if body.count > limit { return .tooLarge }
            }
            return .complete(body)
        }
    }
}

/// The parameter names a handler reads with ``FastCGIRequest/parameters(_:)``, made once.
public struct ParameterNames: Sendable {
    let count: Int
    /// The names of each length, with their places: a parameter is compared only with names as long as its own.
    private let byLength: [[(index: Int, name: [CChar])]]

    public init(_ names: [String]) {
        count = names.count
        var byLength = [[(index: Int, name: [CChar])]](repeating: [], count: (names.map(\.utf8.count).max() ?? 0) + 1)
        for (index, name) in names.enumerated() {
            byLength[name.utf8.count].append((index, name.utf8.map { CChar(bitPattern: $0) }))
        }
        self.byLength = byLength
    }

    /// The place of the name of `length` bytes at `text`, if it is one of these.
    func index(of text: UnsafePointer<CChar>, length: Int) -> Int? {
        guard length > 0, length < byLength.count else { return nil }
        for candidate in byLength[length] where candidate.name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, text, length) == 0 }) {
            return candidate.index
        }
        return nil
    }
}

/// The outcome of reading a request body.
public enum BodyReadResult: Sendable {
    case complete([UInt8])
    case tooLarge
}
