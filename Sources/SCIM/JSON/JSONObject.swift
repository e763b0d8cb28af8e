/// A JSON object: an ordered list of members with case-insensitive lookup.
public struct JSONObject: Sendable, Equatable, Sequence {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    /// The index of the member whose name equals `key` ignoring case.
    public func index(of key: String) -> Int? {
        members.firstIndex { $0.key.caseInsensitiveEquals(key) }
    }

    /// Gets a member by case-insensitive name; setting keeps the member's position and the
    /// spelling already stored, appends new members, and `nil` removes.
    public subscript(key: String) -> JSONValue? {
        get { index(of: key).map { members[$0].value } }
        set {
            if let position = index(of: key) {
                if let newValue { members[position].value = newValue } else { members.remove(at: position) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Removes every member whose name is in `keys` (case-insensitively).
    public mutating func removeAll(named keys: [String]) {
        members.removeAll { member in keys.contains { member.key.caseInsensitiveEquals($0) } }
    }

    /// Puts the member named `key` first, or inserts it there.
    public mutating func setFirst(_ key: String, _ value: JSONValue) {
        self[key] = nil
        members.insert((key, value), at: 0)
    }
}

extension String {
    /// Case-insensitive equality for attribute names and SCIM keywords.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        if self == other { return true }
        guard utf8.count == other.utf8.count else { return false }
        // ASCII byte by byte; `lowercased()` (two new strings) only once a non-ASCII byte differs.
        for (mine, theirs) in zip(utf8, other.utf8) where mine != theirs {
            guard mine < 0x80, theirs < 0x80 else { return lowercased() == other.lowercased() }
            guard mine | 0x20 == theirs | 0x20, mine.isASCIILetter else { return false }
        }
        return true
    }
}
