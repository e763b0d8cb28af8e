/// The bounds every admin regex runs under. Patterns come from the admin, but the names they are
/// matched against come from an IdP, so no name may make a match cost more than these.
public enum RegexLimit: String, Sendable, CaseIterable, CustomStringConvertible {
    /// PCRE2's match limit, spread over the name: see ``matchSteps``.
    case match
    /// PCRE2's depth limit: nested backtracking points of the interpreter.
    case depth
    /// PCRE2's heap limit: the interpreter's backtracking memory.
    case heap

    /// Backtracking steps one name may cost a pattern, in all. PCRE2 counts its match limit per
    /// start position, so each match call gets `matchSteps / (bytes of the name + 1)`: an
    /// unanchored pattern tried at every position of a long name costs no more than an anchored one.
    public static let matchSteps: UInt32 = 1_000_000
    /// Nested backtracking points of the interpreter (a repeated group takes one per repetition).
    public static let depthFrames: UInt32 = 10_000
    /// Interpreter memory for backtracking, in KiB.
    public static let heapKiB: UInt32 = 4_096

    /// The limit's value, in its unit.
    public var value: UInt32 {
        switch self {
        case .match: Self.matchSteps
        case .depth: Self.depthFrames
        case .heap: Self.heapKiB
        }
    }

    /// The limit and its value, as errors name it.
    public var description: String {
        switch self {
        case .match: "the match limit (\(value) backtracking steps per name)"
        case .depth: "the depth limit (\(value) nested backtracking points)"
        case .heap: "the heap limit (\(value) KiB)"
        }
    }
}
