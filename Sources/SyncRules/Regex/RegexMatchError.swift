/// Why a match stopped without an answer: the name is neither matched nor unmatched.
public enum RegexMatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// It hit one of the limits.
    case limit(RegexLimit)
    /// PCRE2 failed otherwise (out of memory, say), with its message.
    case failed(String)

    public var description: String {
        switch self {
        case .limit(let limit): "hit \(limit)"
        case .failed(let message): "failed: \(message)"
        }
    }
}
