/// Why the sync rules refuse what an IdP wrote: the rules' own error, which the SCIM service (and
/// only it) turns into an answer (a value the rules cannot use: `400 invalidValue`; a name another
/// directory object holds: `409 uniqueness`). The store records it in the audit as it is.
public struct RuleRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The IdP's value cannot become a directory value (an empty or unprintable name, a regex
        /// that cannot decide, a nesting that would make a group contain itself).
        case unusableValue
        /// The directory value it becomes is another directory object's.
        case conflict
    }

    public var kind: Kind
    public var detail: String
    public var description: String { detail }

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Characters of an IdP value that a refusal quotes; the rest is counted.
    public static let quotedValueLength = 40

    /// An IdP value as a refusal quotes it: `'value'`, or its first characters and its length.
    public static func quoted(_ value: String) -> String {
        value.count > quotedValueLength ? "'\(value.prefix(quotedValueLength))…' (\(value.count) characters)" : "'\(value)'"
    }

    /// The rule's regex could not decide on the IdP's value within its limits.
    static func regex(rule: String, attribute: String, value: String, _ error: RegexMatchError) -> RuleRefusal {
        RuleRefusal(
            .unusableValue,
            "The sync rule \(rule) could not be applied to \(attribute) \(quoted(value)): its regular expression \(error). "
                + "The request is refused; the admin can simplify the pattern."
        )
    }
}
