/// Parses the filter grammar of RFC 7644 §3.4.2.2, with `not` binding tighter than `and`, and
/// `and` tighter than `or`.
///
/// Lenient where real IdPs are: an unquoted value that is not `true`, `false`, `null` or a number
/// is read as a string (Entra ID sends `externalId eq 1234-abcd`).
public struct FilterParser {
    public static let maxDepth = 32
    public static let maxLength = 4096

    private var tokens: [FilterToken]
    private var position = 0
    private var depth = 0

    public static func parse(_ text: String) throws(ScimError) -> Filter {
        guard text.utf8.count <= maxLength else {
            throw .invalidFilter("The filter is longer than \(maxLength) characters.")
        }
        var parser = FilterParser(tokens: try FilterTokenizer.tokenize(text))
        guard !parser.tokens.isEmpty else { throw .invalidFilter("The filter is empty.") }
        let filter = try parser.parseOr()
        guard parser.position == parser.tokens.count else {
            throw .invalidFilter("Unexpected '\(parser.tokens[parser.position].text)' in the filter.")
        }
        return filter
    }

    /// Parses the filter inside a PATCH path's brackets, e.g. `type eq "work"`.
    static func parseValueFilter(_ tokens: [FilterToken]) throws(ScimError) -> Filter {
        var parser = FilterParser(tokens: tokens)
        let filter = try parser.parseOr()
        guard parser.position == tokens.count else { throw .invalidPath("Unexpected content in a value filter.") }
        return filter
    }

    private init(tokens: [FilterToken]) {
        self.tokens = tokens
    }

    private mutating func parseOr() throws(ScimError) -> Filter {
        var left = try parseAnd()
        while consumeKeyword("or") {
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(ScimError) -> Filter {
        var left = try parseNot()
        while consumeKeyword("and") {
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(ScimError) -> Filter {
        if consumeKeyword("not") {
            guard peek?.kind == .openParen else { throw .invalidFilter("'not' must be followed by '('.") }
            return .not(try parsePrimary())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ScimError) -> Filter {
        guard let token = next() else { throw .invalidFilter("The filter ends too early.") }
        switch token.kind {
        case .openParen:
            depth += 1
            guard depth <= Self.maxDepth else { throw .invalidFilter("The filter nests deeper than \(Self.maxDepth) levels.") }
            let inner = try parseOr()
            guard next()?.kind == .closeParen else { throw .invalidFilter("Missing ')' in the filter.") }
            depth -= 1
            return inner
        case .word:
            return try parseAttributeExpression(pathText: token.text)
        default:
            throw .invalidFilter("Expected an attribute name, found '\(token.text)'.")
        }
    }

    private mutating func parseAttributeExpression(pathText: String) throws(ScimError) -> Filter {
        let path: AttributePath
        do { path = try AttributePath.parse(pathText) } catch { throw .invalidFilter("'\(pathText)' is not an attribute path.") }
        if peek?.kind == .openBracket {
            position += 1
            depth += 1
            guard depth <= Self.maxDepth else { throw .invalidFilter("The filter nests deeper than \(Self.maxDepth) levels.") }
            let inner = try parseOr()
            guard next()?.kind == .closeBracket else { throw .invalidFilter("Missing ']' in the filter.") }
            depth -= 1
            return .valuePath(path, inner)
        }
        guard let operatorToken = next(), operatorToken.kind == .word else {
            throw .invalidFilter("Expected an operator after '\(pathText)'.")
        }
        let name = operatorToken.text.lowercased()
        if name == "pr" { return .present(path) }
        guard let op = ComparisonOperator(rawValue: name) else {
            throw .invalidFilter("'\(operatorToken.text)' is not a filter operator.")
        }
        guard let valueToken = next() else { throw .invalidFilter("Expected a value after '\(operatorToken.text)'.") }
        return .compare(path, op, try valueToken.literal())
    }

    private var peek: FilterToken? {
        position < tokens.count ? tokens[position] : nil
    }

    private mutating func next() -> FilterToken? {
        defer { position += 1 }
        return peek
    }

    private mutating func consumeKeyword(_ keyword: String) -> Bool {
        guard let token = peek, token.kind == .word, token.text.caseInsensitiveEquals(keyword) else { return false }
        position += 1
        return true
    }
}
