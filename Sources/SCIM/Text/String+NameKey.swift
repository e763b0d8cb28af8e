import Foundation

extension String {
    /// The one folded form under which names are unique ignoring case, in Swift and (as the SQL
    /// function `scim_fold`) in SQLite alike: Unicode NFC, then full case folding, so that NFC and
    /// NFD spellings of one name, and "Straße" and "STRASSE", are one name.
    public var nameKey: String {
        if utf8.allSatisfy({ $0 < 0x80 }) { return lowercased() }
        return
            precomposedStringWithCanonicalMapping
            .folding(options: .caseInsensitive, locale: nil)
            .precomposedStringWithCanonicalMapping
    }
}
