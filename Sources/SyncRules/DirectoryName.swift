import Foundation

/// What every name in the directory (user, group, directory and app names) must be, whoever
/// writes it: the admin through `scimsync`, or the sync rules from an IdP's value.
public enum DirectoryName {
    /// The longest name, in characters.
    public static let maxCharacters = 200

    /// Why a name cannot be a directory name.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(characters: Int)
        /// A control character, line or paragraph separator, or bidirectional control (see
        /// ``isInvisible(_:)``): they make names that print as another name, or break the lines
        /// of listings and logs.
        case invisibleCharacter(UInt32)

        public var description: String {
            switch self {
            case .empty: "must not be empty"
            case .tooLong(let count): "must be at most \(DirectoryName.maxCharacters) characters (it has \(count))"
            case .invisibleCharacter(let scalar): "must not contain control characters (it has U+\(hex(scalar)))"
            }
        }

        private func hex(_ scalar: UInt32) -> String {
            let digits = String(scalar, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }

    /// `name` without the spaces around it, or the problem that keeps it out of the directory.
    public static func validated(_ name: String) throws(Problem) -> String {
        let trimmed = trimmingWhitespace(name)
        guard !trimmed.isEmpty else { throw .empty }
        if let bad = trimmed.unicodeScalars.first(where: isInvisible) { throw .invisibleCharacter(bad.value) }
        guard trimmed.count <= maxCharacters else { throw .tooLong(characters: trimmed.count) }
        return trimmed
    }

    /// `name` without the tabs and spaces at either end: what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` removes (its set: tab, the space separators and
    /// U+200B), without its bridging, which cost a few microseconds on every create.
    static func trimmingWhitespace(_ name: String) -> String {
        let scalars = name.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return name }
        return String(scalars[first...last])
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// General category Cc (U+0000–U+001F, U+007F–U+009F), Zl and Zp (U+2028, U+2029), and the
    /// Bidi_Control property (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069): what a
    /// terminal acts on, or what makes a line read in another order than it was written.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return scalar.properties.isBidiControl
        }
    }
}
