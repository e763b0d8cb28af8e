import SCIM

/// Which IdP group names make directory changes: a name passes when it matches one of the
/// `allow` expressions (or `allow` is empty) and none of the `deny` ones. Groups that fail stay
/// in the IdP view but change nothing in the directory. Each list is compiled when it is set.
public struct GroupNameFilter: Sendable, Equatable {
    public var allow: [String] { didSet { allowPatterns = Self.compile(allow) } }
    public var deny: [String] { didSet { denyPatterns = Self.compile(deny) } }
    /// The compiled lists; nil for an expression that does not compile (refused when rules are read).
    private var allowPatterns: [RegexPattern?]
    private var denyPatterns: [RegexPattern?]

    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
        allowPatterns = Self.compile(allow)
        denyPatterns = Self.compile(deny)
    }

    public var isEmpty: Bool { allow.isEmpty && deny.isEmpty }

    /// Whether the group named `name` passes. A match that hits a regex limit refuses the write,
    /// naming the rule (`groupSync.filter.allow[i]` or `groupSync.filter.deny[i]`).
    public func admits(_ name: String) throws(RuleRefusal) -> Bool {
        if !allowPatterns.isEmpty, try !Self.anyMatches(allowPatterns, "allow", name) { return false }
        return try !Self.anyMatches(denyPatterns, "deny", name)
    }

    private static func anyMatches(_ patterns: [RegexPattern?], _ list: String, _ name: String) throws(RuleRefusal) -> Bool {
        for (index, pattern) in patterns.enumerated() {
            guard let pattern else { continue }
            do {
                if try pattern.matches(name) { return true }
            } catch {
                throw .regex(rule: "groupSync.filter.\(list)[\(index)]", attribute: "displayName", value: name, error)
            }
        }
        return false
    }

    private static func compile(_ patterns: [String]) -> [RegexPattern?] {
        patterns.map { try? RegexPattern($0) }
    }

    public static func == (a: GroupNameFilter, b: GroupNameFilter) -> Bool {
        a.allow == b.allow && a.deny == b.deny
    }
}
