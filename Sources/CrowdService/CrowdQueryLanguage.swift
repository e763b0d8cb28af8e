import DirectoryStore

/// The Crowd Query Language subset applications send in `search?restriction=`: comparisons
/// `property = value` (a value ending in `*` starts with it, one enclosed in `*` contains it),
/// `property IS NULL`, combined with `and`/`or` (`and` binds tighter) and parentheses. Values are
/// bare words or double-quoted with `\"` and `\\` escapes.
struct CrowdQueryLanguage {
    static let maxLength = 4_096

    private enum Token: Equatable {
        case word(String)
        case quoted(String)
        case equals, open, close
    }

    private var tokens: [Token]
    private var index = 0
    private var depth = 0

    static func parse(_ text: String) throws(CrowdError) -> CrowdRestriction {
        guard text.utf8.count <= maxLength else {
            throw .illegalArgument("The restriction is longer than \(maxLength) bytes (limit crowdQueryLength).")
        }
        var parser = CrowdQueryLanguage(tokens: try tokenize(text))
        guard !parser.tokens.isEmpty else { return .all }
        let restriction = try parser.disjunction()
        guard parser.index == parser.tokens.count else {
            throw .illegalArgument("Unexpected text after the restriction at token \(parser.index + 1).")
        }
        return try RestrictionReader.checked(restriction)
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private mutating func disjunction() throws(CrowdError) -> CrowdRestriction {
        var parts = [try conjunction()]
        while keyword("or") { parts.append(try conjunction()) }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func conjunction() throws(CrowdError) -> CrowdRestriction {
        var parts = [try term()]
        while keyword("and") { parts.append(try term()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func term() throws(CrowdError) -> CrowdRestriction {
        if next == .open {
            index += 1
            depth += 1
            guard depth <= RestrictionReader.maxDepth else {
                throw .illegalArgument("Parentheses nested deeper than \(RestrictionReader.maxDepth) (limit crowdSearchDepth).")
            }
            let inner = try disjunction()
            guard next == .close else { throw .illegalArgument("A ')' is missing in the restriction.") }
            index += 1
            depth -= 1
            return inner
        }
        guard case .word(let property)? = next else { throw .illegalArgument("A property name was expected at token \(index + 1).") }
        index += 1
        if keyword("is") {
            guard keyword("null") else { throw .illegalArgument("'\(property) IS' is followed by NULL.") }
            return .property(name: property, mode: .null, value: nil)
        }
        guard next == .equals else { throw .illegalArgument("'=' was expected after '\(property)'.") }
        index += 1
        switch next {
        case .quoted(let value)?:
            index += 1
            return Self.comparison(property, value)
        case .word(let value)?:
            index += 1
            return Self.comparison(property, value)
        default:
            throw .illegalArgument("A value was expected after '\(property) ='.")
        }
    }

    private static func comparison(_ property: String, _ value: String) -> CrowdRestriction {
        if value.count >= 2, value.hasPrefix("*"), value.hasSuffix("*") {
            return .property(name: property, mode: .contains, value: String(value.dropFirst().dropLast()))
        }
        if value.hasSuffix("*") { return .property(name: property, mode: .startsWith, value: String(value.dropLast())) }
        return .property(name: property, mode: .exactlyMatches, value: value)
    }

    private var next: Token? { index < tokens.count ? tokens[index] : nil }

    private mutating func keyword(_ word: String) -> Bool {
        guard case .word(let text)? = next, text.lowercased() == word else { return false }
        index += 1
        return true
    }

    private static func tokenize(_ text: String) throws(CrowdError) -> [Token] {
        var tokens: [Token] = []
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.first {
            switch scalar {
            case " ", "\t", "\n", "\r": scalars.removeFirst()
            case "(":
                tokens.append(.open)
                scalars.removeFirst()
            case ")":
                tokens.append(.close)
                scalars.removeFirst()
            case "=":
                tokens.append(.equals)
                scalars.removeFirst()
            case "\"":
                scalars.removeFirst()
                var value = String.UnicodeScalarView()
                while true {
                    guard let next = scalars.popFirst() else { throw .illegalArgument("A quoted value is not closed.") }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = scalars.popFirst() else { throw .illegalArgument("A quoted value ends in '\\'.") }
                        value.append(escaped)
                    } else {
                        value.append(next)
                    }
                }
                tokens.append(.quoted(String(value)))
            default:
                var word = String.UnicodeScalarView()
                while let next = scalars.first, !" \t\n\r()=\"".unicodeScalars.contains(next) {
                    word.append(next)
                    scalars.removeFirst()
                }
                tokens.append(.word(String(word)))
            }
        }
        return tokens
    }
}
