/// Parses the filter grammar of RFC 7644 §3.4.2.2, with `not` binding tighter than `and`, and
/// `and` tighter than `or`.
///
/// Every filter — from a query string, a `.search` body, a PATCH path or a Bulk operation — is
/// parsed here, under one set of limits: ``ScimLimit/filterBytes``, ``ScimLimit/filterTerms`` and
/// ``ScimLimit/filterNesting``. A parsed filter's tree is therefore at most `filterMaxTerms`
/// terms and `filterMaxNesting` levels deep, which bounds every recursive walk over it.
///
/// Lenient where real IdPs are: an unquoted value that is not `true`, `false`, `null` or a number
/// is read as a string (Entra ID sends `externalId eq 1234-abcd`), and a value path may be
/// followed by a sub-attribute and a comparison, `emails[type eq "work"].value eq "x"` meaning
/// `emails[type eq "work" and value eq "x"]` (Entra ID's matching filters).
public struct FilterParser {
    private var tokens: [FilterToken]
    private var position = 0
    private var depth = 0
    private var terms = 0
    private var insideValueFilter = false

    /// A whole filter, as `?filter=` and `.search` give it.
    public static func parse(_ text: String) throws(ScimError) -> Filter {
        var parser = try FilterParser(text)
        guard !parser.tokens.isEmpty else { throw .invalidFilter("The filter is empty.") }
        let filter = try parser.parseOr()
        guard parser.position == parser.tokens.count else {
            throw .invalidFilter("Unexpected \(parser.tokens[parser.position].text.quotedForDetail) in the filter.")
        }
        return filter
    }

    /// The filter inside a PATCH path's brackets, e.g. `type eq "work"`: its paths are relative
    /// to the element, and it cannot hold another value filter.
    public static func parseValueFilter(_ text: String) throws(ScimError) -> Filter {
        var parser = try FilterParser(text)
        parser.insideValueFilter = true
        guard !parser.tokens.isEmpty else { throw .invalidFilter("The value filter is empty.") }
        let filter = try parser.parseOr()
        guard parser.position == parser.tokens.count else { throw .invalidFilter("Unexpected content in the value filter.") }
        return filter
    }

    private init(_ text: String) throws(ScimError) {
        guard text.utf8.count <= ScimLimit.filterBytes.value else {
            throw ScimLimit.filterBytes.exceeded("The filter is \(text.utf8.count) bytes long", scimType: .invalidFilter)
        }
        tokens = try FilterTokenizer.tokenize(text)
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
            try enterNesting()
            let inner = try parseOr()
            guard next()?.kind == .closeParen else { throw .invalidFilter("Missing ')' in the filter.") }
            depth -= 1
            return inner
        case .word:
            return try parseAttributeExpression(pathText: token.text)
        default:
            throw .invalidFilter("Expected an attribute name, found \(token.text.quotedForDetail).")
        }
    }

    private mutating func parseAttributeExpression(pathText: String) throws(ScimError) -> Filter {
        let path: AttributePath
        do { path = try AttributePath.parse(pathText) } catch { throw .invalidFilter(error.detail) }
        if peek?.kind == .openBracket {
            guard !insideValueFilter else { throw .invalidFilter("Value filters do not nest: \(pathText.quotedForDetail)[…].") }
            position += 1
            try enterNesting()
            insideValueFilter = true
            let inner = try parseOr()
            insideValueFilter = false
            guard next()?.kind == .closeBracket else { throw .invalidFilter("Missing ']' in the filter.") }
            depth -= 1
            if let token = peek, token.kind == .word, token.text.utf8.first == UInt8(ascii: ".") {
                position += 1
                return .valuePath(path, .and(inner, try parseSubAttributeComparison(token.text, after: path)))
            }
            return .valuePath(path, inner)
        }
        return try parseComparison(path, pathText: pathText)
    }

    /// Entra ID's matching filter `emails[type eq "work"].value eq "x"`: a value path followed by
    /// a sub-attribute and a comparison, read as `emails[type eq "work" and value eq "x"]`. The
    /// comparison counts as a term like any other.
    private mutating func parseSubAttributeComparison(_ text: String, after path: AttributePath) throws(ScimError) -> Filter {
        let name = text.dropFirst()
        guard path.subAttribute == nil, AttributePath.isAttributeName(name) else {
            throw .invalidFilter("\((path.description + "[…]" + text).quotedForDetail) is not an attribute path.")
        }
        return try parseComparison(AttributePath(name: String(name)), pathText: path.description + "[…]" + text)
    }

    /// `path op value` or `path pr`, once `path` is read.
    private mutating func parseComparison(_ path: AttributePath, pathText: String) throws(ScimError) -> Filter {
        terms += 1
        guard terms <= ScimLimit.filterTerms.value else {
            throw ScimLimit.filterTerms.exceeded("The filter has more than \(ScimLimit.filterTerms.value) terms", scimType: .invalidFilter)
        }
        guard let operatorToken = next(), operatorToken.kind == .word else {
            throw .invalidFilter("Expected an operator after \(pathText.quotedForDetail).")
        }
        let name = operatorToken.text.lowercased()
        if name == "pr" { return .present(path) }
        guard let op = ComparisonOperator(rawValue: name) else {
            throw .invalidFilter("\(operatorToken.text.quotedForDetail) is not a filter operator.")
        }
        guard let valueToken = next() else { throw .invalidFilter("Expected a value after \(operatorToken.text.quotedForDetail).") }
        return .compare(path, op, try valueToken.literal())
    }

    private mutating func enterNesting() throws(ScimError) {
        depth += 1
        guard depth <= ScimLimit.filterNesting.value else {
            throw ScimLimit.filterNesting.exceeded(
                "The filter nests deeper than \(ScimLimit.filterNesting.value) levels",
                scimType: .invalidFilter
            )
        }
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
