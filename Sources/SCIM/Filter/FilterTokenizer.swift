/// A token of the filter grammar.
struct FilterToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word, string, openParen, closeParen, openBracket, closeBracket
    }

    let kind: Kind
    let text: String

    /// The comparison value this token stands for.
    func literal() throws(ScimError) -> JSONValue {
        switch kind {
        case .string:
            return .string(text)
        case .word:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                if (try? JSONParser.parse(text))?.numberValue != nil { return .number(text) }
                return .string(text)
            }
        default:
            throw .invalidFilter("Expected a value, found '\(text)'.")
        }
    }
}

/// Splits a filter into words, JSON string literals, parentheses and brackets.
enum FilterTokenizer {
    static func tokenize(_ text: String) throws(ScimError) -> [FilterToken] {
        var tokens: [FilterToken] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\n", "\r":
                index += 1
            case "(":
                tokens.append(FilterToken(kind: .openParen, text: "("))
                index += 1
            case ")":
                tokens.append(FilterToken(kind: .closeParen, text: ")"))
                index += 1
            case "[":
                tokens.append(FilterToken(kind: .openBracket, text: "["))
                index += 1
            case "]":
                tokens.append(FilterToken(kind: .closeBracket, text: "]"))
                index += 1
            case "\"":
                let (string, end) = try readString(scalars, from: index)
                tokens.append(FilterToken(kind: .string, text: string))
                index = end
            default:
                var end = index
                while end < scalars.count, !" \t\n\r()[]\"".unicodeScalars.contains(scalars[end]) { end += 1 }
                var word = String.UnicodeScalarView()
                word.append(contentsOf: scalars[index..<end])
                tokens.append(FilterToken(kind: .word, text: String(word)))
                index = end
            }
        }
        return tokens
    }

    /// Reads a JSON string literal starting at the opening quote; returns it and the index after it.
    private static func readString(_ scalars: [Unicode.Scalar], from start: Int) throws(ScimError) -> (String, Int) {
        var end = start + 1
        while end < scalars.count {
            if scalars[end] == "\\" {
                end += 2
                continue
            }
            if scalars[end] == "\"" { break }
            end += 1
        }
        guard end < scalars.count else { throw .invalidFilter("Unterminated string in the filter.") }
        var literal = String.UnicodeScalarView()
        literal.append(contentsOf: scalars[start...end])
        guard case .string(let value)? = try? JSONParser.parse(String(literal)) else {
            throw .invalidFilter("Invalid string literal \(String(literal)) in the filter.")
        }
        return (value, end + 1)
    }
}
