/// A replacement in the template syntax of ICU (and so of `NSRegularExpression`), parsed once:
/// `$n` inserts capture group n (`$0` the whole match; `$` takes every digit that follows), `\`
/// makes the next character literal (`\$` is a dollar sign, `\\` a backslash), and a `$` not
/// followed by a digit is itself.
public struct ReplacementTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case text([UInt8])
        case group(Int)
    }

    let parts: [Part]

    public init(_ template: String) {
        var parts: [Part] = []
        var text: [UInt8] = []
        var characters = template.unicodeScalars.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "\\" {
                if let escaped = pending { text += Array(String(escaped).utf8) }
                pending = characters.next()
            } else if character == "$", let first = pending, Self.isDigit(first) {
                var digits = ""
                while let next = pending, Self.isDigit(next) {
                    digits.unicodeScalars.append(next)
                    pending = characters.next()
                }
                if !text.isEmpty { parts.append(.text(text)) }
                text = []
                parts.append(.group(Int(digits) ?? Int.max))
            } else {
                text += Array(String(character).utf8)
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        self.parts = parts
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// The group numbers the template refers to, in order.
    public var groupReferences: [Int] {
        parts.compactMap { part in
            if case .group(let number) = part { number } else { nil }
        }
    }
}
