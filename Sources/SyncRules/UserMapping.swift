import SCIM

/// The default attribute mapping of SPEC §5: which SCIM attribute fills each directory field.
///
/// - username ← `userName`
/// - email ← the primary `emails` value, else the `work` one, else the first, else `mail`
/// - first / last name ← `name.givenName` / `name.familyName`
/// - display name ← `displayName`, else given and family name joined
/// - active ← `active` (absent means active)
public struct UserMapping: Sendable {
    public init() {}

    public func fields(for resource: JSONObject) -> DirectoryUserFields {
        let name = resource["name"]?.objectValue
        let first = name?["givenName"]?.stringValue.nonEmpty
        let last = name?["familyName"]?.stringValue.nonEmpty
        let joined = [first, last].compactMap { $0 }.joined(separator: " ")
        return DirectoryUserFields(
            username: resource["userName"]?.stringValue ?? "",
            email: email(in: resource),
            displayName: resource["displayName"]?.stringValue.nonEmpty ?? (joined.isEmpty ? nil : joined),
            firstName: first,
            lastName: last,
            active: resource["active"]?.boolValue ?? true
        )
    }

    private func email(in resource: JSONObject) -> String? {
        let emails = (resource["emails"]?.arrayValue ?? []).compactMap(\.objectValue)
        let chosen = emails.first { $0["primary"]?.boolValue == true }
            ?? emails.first { $0["type"]?.stringValue?.lowercased() == "work" }
            ?? emails.first
        return chosen?["value"]?.stringValue.nonEmpty ?? resource["mail"]?.stringValue.nonEmpty
    }
}

extension Optional where Wrapped == String {
    /// `nil` for an absent or empty string.
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
