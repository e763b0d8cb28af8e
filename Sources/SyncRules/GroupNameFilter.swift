import Foundation

/// Which IdP group names make directory changes: a name passes when it matches one of the
/// `allow` expressions (or `allow` is empty) and none of the `deny` ones. Groups that fail stay
/// in the IdP view but change nothing in the directory.
public struct GroupNameFilter: Sendable, Equatable {
    public var allow: [String]
    public var deny: [String]

    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
    }

    public var isEmpty: Bool { allow.isEmpty && deny.isEmpty }

    public func admits(_ name: String) -> Bool {
        (allow.isEmpty || allow.contains { Self.matches($0, name) }) && !deny.contains { Self.matches($0, name) }
    }

    private static func matches(_ pattern: String, _ name: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
        return expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}
