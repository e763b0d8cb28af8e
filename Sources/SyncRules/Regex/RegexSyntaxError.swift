/// Why a pattern does not compile, in PCRE2's words.
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// PCRE2's message, such as "missing closing parenthesis".
    public let message: String
    /// Characters of the pattern before the place PCRE2 stopped at.
    public let offset: Int

    public var description: String { "\(message) at offset \(offset)" }
}
