import SCIM

/// The default attribute mapping of SPEC §5, used for every field the rules do not map:
///
/// - username ← `userName`
/// - email ← the primary `emails` value, else the `work` one, else the first, else `mail`
/// - first / last name ← `name.givenName` / `name.familyName`
/// - display name ← `displayName`, else given and family name joined
enum DefaultMapping {
    static func value(_ field: DirectoryField, in resource: JSONObject) -> String? {
        let name = resource["name"]?.objectValue
        switch field {
        case .username: return resource["userName"]?.stringValue
        case .email: return email(in: resource)
        case .firstName: return name?["givenName"]?.stringValue.nonEmpty
        case .lastName: return name?["familyName"]?.stringValue.nonEmpty
        case .displayName:
            let joined = [name?["givenName"]?.stringValue.nonEmpty, name?["familyName"]?.stringValue.nonEmpty]
                .compactMap { $0 }.joined(separator: " ")
            return resource["displayName"]?.stringValue.nonEmpty ?? (joined.isEmpty ? nil : joined)
        }
    }

    private static func email(in resource: JSONObject) -> String? {
        let emails = (resource["emails"]?.arrayValue ?? []).compactMap(\.objectValue)
        let chosen =
            emails.first { $0["primary"]?.boolValue == true }
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
