import SCIM

extension ScimError {
    /// Characters of an IdP value that a refusal quotes; the rest is counted.
    static let quotedValueLength = 40

    /// An IdP value as a refusal quotes it: `'value'`, or its first characters and its length.
    static func quoted(_ value: String) -> String {
        value.count > quotedValueLength ? "'\(value.prefix(quotedValueLength))…' (\(value.count) characters)" : "'\(value)'"
    }

    /// The write is refused because the rule's regex could not decide on the IdP's value within
    /// its limits: a 400 `invalidValue`, as for the other values the rules cannot use.
    static func regexRefusal(rule: String, attribute: String, value: String, _ error: RegexMatchError) -> ScimError {
        .invalidValue(
            "The sync rule \(rule) could not be applied to \(attribute) \(quoted(value)): its regular expression \(error). "
                + "The request is refused; the admin can simplify the pattern."
        )
    }
}
