import Foundation

/// How commands print: JSON with sorted keys for scripts, aligned columns and lines for people.
///
/// Everything a command prints goes through here, and everything here escapes what could act on
/// a terminal (see ``TerminalText``): lines are ``TerminalText``, table cells are escaped, JSON
/// is given `\u` escapes for the characters JSON allows raw. The `print` of this module is
/// unavailable, so a command cannot print around it.
enum Output {
    /// Prints one or more lines of text.
    static func line(_ text: TerminalText, terminator: String = "\n") {
        Swift.print(text.description, terminator: terminator)
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        jsonText(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Prints a JSON document already serialized, after ``terminalSafeJSON(_:)``.
    static func jsonText(_ document: String, terminator: String = "\n") {
        Swift.print(terminalSafeJSON(document), terminator: terminator)
    }

    /// A header line, then one line per row, in columns; every cell is escaped.
    static func table(_ header: [String], _ rows: [[String]]) {
        columns([header] + rows)
    }

    /// Prints rows in columns (see ``aligned(_:)``).
    static func columns(_ rows: [[String]]) {
        for line in aligned(rows) { Swift.print(line) }
    }

    /// Rows in columns two spaces apart: every cell is escaped, widths are those of the escaped
    /// text, and empty trailing cells leave no trailing spaces.
    static func aligned(_ rows: [[String]]) -> [String] {
        let cells = rows.map { $0.map(TerminalText.escaped) }
        let widths = (0..<(cells.map(\.count).max() ?? 0)).map { column in
            cells.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return cells.map { row in
            let used = (row.lastIndex { !$0.isEmpty } ?? -1) + 1
            return row.prefix(used).enumerated().map { index, cell in
                index == used - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    /// `document` (valid JSON) with DEL, the C1 controls, the line separators and the
    /// bidirectional formatting characters written as `\uXXXX`: JSON allows them raw in strings,
    /// a terminal acts on them. The document parses to the same values. The C0 controls are the
    /// encoder's to escape (JSON requires it); outside strings a JSON document holds only ASCII.
    static func terminalSafeJSON(_ document: String) -> String {
        let unsafe: (Unicode.Scalar) -> Bool = { $0.value >= 0x7F && TerminalText.needsEscaping($0) }
        guard document.unicodeScalars.contains(where: unsafe) else { return document }
        var result = ""
        result.reserveCapacity(document.utf8.count + 16)
        for scalar in document.unicodeScalars {
            if unsafe(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The SCIM base URL an IdP is given for `app`.
    static func baseURL(_ base: String?, app: String) -> String {
        let root = base ?? ProcessInfo.processInfo.environment["SCIMSYNC_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
        return "\(root.hasSuffix("/") ? String(root.dropLast()) : root)/scim/\(app)/v2"
    }
}

/// Commands print through ``Output``, which escapes what could act on a terminal.
@available(*, unavailable, message: "print through Output, which escapes control characters")
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    fatalError("unavailable")
}
