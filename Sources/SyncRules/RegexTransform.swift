/// A regular expression and a replacement template (`$1` names a capture group), applied to
/// every match in a name. A name the expression does not match is kept as it is. The pattern is
/// compiled and the template parsed once, when the transform is made.
public struct RegexTransform: Sendable, Equatable {
    public let pattern: String
    public let replacement: String
    /// The compiled pattern, or why it does not compile.
    let compiled: Result<RegexPattern, RegexSyntaxError>
    private let template: ReplacementTemplate

    public init(pattern: String, replacement: String) {
        self.pattern = pattern
        self.replacement = replacement
        compiled = Result { () throws(RegexSyntaxError) in try RegexPattern(pattern) }
        template = ReplacementTemplate(replacement)
    }

    /// The transformed name. A transform whose pattern does not compile (rules holding one are
    /// refused when read) keeps the name; a match that hits a limit throws.
    public func apply(to name: String) throws(RegexMatchError) -> String {
        guard case .success(let regex) = compiled else { return name }
        return try regex.replacingMatches(in: name, with: template)
    }

    /// Why the pattern or its template cannot be used, or nil when both are sound.
    public func problem() -> String? {
        if let problem = Self.problem(pattern, compiled) { return problem }
        let groups = (try? compiled.get().captureCount) ?? 0
        for reference in template.groupReferences where reference > groups {
            return "the replacement refers to group $\(reference), but the pattern has \(groups) capture group(s)"
        }
        return nil
    }

    /// Why `pattern` is not a regular expression, or nil when it compiles.
    public static func patternProblem(_ pattern: String) -> String? {
        problem(pattern, Result { () throws(RegexSyntaxError) in try RegexPattern(pattern) })
    }

    private static func problem(_ pattern: String, _ compiled: Result<RegexPattern, RegexSyntaxError>) -> String? {
        if pattern.isEmpty { return "the pattern is empty" }
        guard case .failure(let error) = compiled else { return nil }
        return "'\(pattern)' is not a valid regular expression: \(error)"
    }

    public static func == (a: RegexTransform, b: RegexTransform) -> Bool {
        a.pattern == b.pattern && a.replacement == b.replacement
    }
}
