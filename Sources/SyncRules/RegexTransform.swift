import Foundation

/// A regular expression and a replacement template (`$1` names a capture group), applied to
/// every match in a name. A name the expression does not match is kept as it is.
public struct RegexTransform: Sendable, Equatable {
    public var pattern: String
    public var replacement: String

    public init(pattern: String, replacement: String) {
        self.pattern = pattern
        self.replacement = replacement
    }

    /// The transformed name.
    public func apply(to name: String) -> String {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return name }
        let range = NSRange(name.startIndex..., in: name)
        return expression.stringByReplacingMatches(in: name, range: range, withTemplate: replacement)
    }

    /// Why the pattern or its template cannot be used, or nil when both are sound.
    public func problem() -> String? {
        if let problem = RegexTransform.patternProblem(pattern) { return problem }
        let groups = (try? NSRegularExpression(pattern: pattern).numberOfCaptureGroups) ?? 0
        for reference in Self.groupReferences(in: replacement) where reference > groups {
            return "the replacement refers to group $\(reference), but the pattern has \(groups) capture group(s)"
        }
        return nil
    }

    /// Why `pattern` is not a regular expression, or nil when it compiles.
    public static func patternProblem(_ pattern: String) -> String? {
        if pattern.isEmpty { return "the pattern is empty" }
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "'\(pattern)' is not a valid regular expression"
        }
    }

    /// The group numbers `$n` in a template (`\$` is a literal dollar sign).
    private static func groupReferences(in template: String) -> [Int] {
        var references: [Int] = []
        var characters = template.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "\\" {
                pending = characters.next()
            } else if character == "$" {
                var digits = ""
                while let next = pending, next.isASCII, next.isNumber {
                    digits.append(next)
                    pending = characters.next()
                }
                if let number = Int(digits) { references.append(number) }
            }
        }
        return references
    }
}
