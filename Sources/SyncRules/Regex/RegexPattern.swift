import CPCRE2

/// A pattern compiled by PCRE2 in UTF mode with Unicode properties (`\w`, `\d`, `\b` and case
/// folding behave on Unicode as they did under ICU), JIT-compiled when the platform has a JIT.
///
/// Sendable: the compiled code is never changed after `init`, and PCRE2 allows threads to match
/// one compiled pattern at once, each with its own match data, as every call here makes.
public final class RegexPattern: @unchecked Sendable {
    /// The pattern as the admin wrote it.
    public let source: String
    /// The number of capture groups.
    public let captureCount: Int
    let code: OpaquePointer

    public init(_ source: String) throws(RegexSyntaxError) {
        let bytes = Array(source.utf8) + [0]
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options = PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C
        guard
            let code = bytes.withUnsafeBufferPointer({
                pcre2_compile_8($0.baseAddress, bytes.count - 1, options, &errorCode, &errorOffset, nil)
            })
        else {
            let before = String(decoding: bytes.prefix(min(errorOffset, bytes.count - 1)), as: UTF8.self)
            throw RegexSyntaxError(message: Self.message(errorCode), offset: before.count)
        }
        // Without a JIT (or for a pattern it cannot take) PCRE2 interprets: the limits apply either way.
        _ = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE)
        var count: UInt32 = 0
        _ = pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        self.source = source
        self.captureCount = Int(count)
        self.code = code
    }

    deinit { pcre2_code_free_8(code) }

    /// Whether the pattern matches anywhere in `subject`.
    public func matches(_ subject: String) throws(RegexMatchError) -> Bool {
        try withMatcher(subject) { (matcher: inout Matcher) throws(RegexMatchError) in try matcher.next(from: 0) }
    }

    /// Runs `body` with a matcher over `subject`, whose match calls share one name's limits.
    func withMatcher<T>(_ subject: String, _ body: (inout Matcher) throws(RegexMatchError) -> T) throws(RegexMatchError) -> T {
        // The terminator gives even an empty name an address; PCRE2 is told the length.
        let bytes = Array(subject.utf8) + [0]
        return try bytes.withUnsafeBufferPointer { buffer throws(RegexMatchError) in
            var matcher = try Matcher(pattern: self, subject: UnsafeBufferPointer(rebasing: buffer.dropLast()))
            return try body(&matcher)
        }
    }

    /// PCRE2's message for an error code.
    static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer.prefix(Int(length)), as: UTF8.self) : "PCRE2 error \(code)"
    }
}
