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
///
/// Scans UTF-8 bytes: every delimiter is ASCII, and no byte of a multi-byte character is one.
enum FilterTokenizer {
    static func tokenize(_ text: String) throws(ScimError) -> [FilterToken] {
        var tokens: [FilterToken] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "("):
                tokens.append(FilterToken(kind: .openParen, text: "("))
                index += 1
            case UInt8(ascii: ")"):
                tokens.append(FilterToken(kind: .closeParen, text: ")"))
                index += 1
            case UInt8(ascii: "["):
                tokens.append(FilterToken(kind: .openBracket, text: "["))
                index += 1
            case UInt8(ascii: "]"):
                tokens.append(FilterToken(kind: .closeBracket, text: "]"))
                index += 1
            case UInt8(ascii: "\""):
                let (string, end) = try readString(bytes, from: index)
                tokens.append(FilterToken(kind: .string, text: string))
                index = end
            default:
                var end = index
                while end < bytes.count, !isDelimiter(bytes[end]) { end += 1 }
                tokens.append(FilterToken(kind: .word, text: String(decoding: bytes[index..<end], as: UTF8.self)))
                index = end
            }
        }
        return tokens
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\""):
            true
        default:
            false
        }
    }

    /// Reads a JSON string literal starting at the opening quote; returns it and the index after it.
    private static func readString(_ bytes: [UInt8], from start: Int) throws(ScimError) -> (String, Int) {
        var end = start + 1
        while end < bytes.count {
            if bytes[end] == UInt8(ascii: "\\") {
                end += 2
                continue
            }
            if bytes[end] == UInt8(ascii: "\"") { break }
            end += 1
        }
        guard end < bytes.count else { throw .invalidFilter("Unterminated string in the filter.") }
        let literal = Array(bytes[start...end])
        guard case .string(let value)? = try? JSONParser.parse(literal) else {
            throw .invalidFilter("Invalid string literal \(String(decoding: literal, as: UTF8.self)) in the filter.")
        }
        return (value, end + 1)
    }
}
