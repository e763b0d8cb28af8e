import SyncRules

/// Text for the admin's terminal: the literal parts are the program's own, every interpolated
/// value is escaped by ``TerminalText/escaped(_:)``.
///
/// Names and details come from IdPs, imported files and the database, and a terminal obeys the
/// control characters in what it prints: an IdP could recolour, rewrite or hide lines of
/// `scimsync user list` with escape sequences. Every line the tool prints is a `TerminalText`
/// (see ``Output``), so a value cannot reach the terminal without being escaped.
struct TerminalText: ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var description: String

    init(stringLiteral literal: String) {
        description = literal
    }

    init(stringInterpolation: Interpolation) {
        description = stringInterpolation.text
    }

    /// Collects the literal parts as they are and the values escaped.
    struct Interpolation: StringInterpolationProtocol {
        fileprivate var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            text += TerminalText.escaped(value.description)
        }

        /// Each value on a line of its own, indented by two spaces: the problems of a document.
        mutating func appendInterpolation(eachOnALine values: [some CustomStringConvertible]) {
            for value in values { text += "\n  " + TerminalText.escaped(value.description) }
        }
    }

    /// `text` with every character a terminal could act on written as `\u{XX}` (hexadecimal,
    /// upper case): the controls (C0 including TAB and LF, DEL, C1), the line and paragraph
    /// separators, and the bidirectional formatting characters, which can make a line read in
    /// another order than it was written. A backslash stays as it is: the text form is for
    /// reading, `--json` gives values exactly.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if needsEscaping(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The characters no directory name may hold (``DirectoryName/isInvisible(_:)``).
    static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        DirectoryName.isInvisible(scalar)
    }
}
