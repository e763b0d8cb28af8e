/// A field of a directory user that an attribute mapping fills.
public enum DirectoryField: String, Sendable, CaseIterable, Comparable {
    case username, email, displayName, firstName, lastName

    public static func < (lhs: DirectoryField, rhs: DirectoryField) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
