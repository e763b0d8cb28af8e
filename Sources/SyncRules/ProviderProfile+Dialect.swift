import SCIM

/// The dialect each profile's requests are read in. Only deviations an IdP is documented to send
/// are enabled for it (the sources are in docs/IDP-COMPATIBILITY.md); the others are refused as
/// RFC 7643/7644 refuses them.
extension ProviderProfile {
    /// Entra ID's boolean strings and bare manager id; OneLogin's template shapes.
    public var valueConversions: ValueConversions {
        switch self {
        case .entra: .entra
        case .onelogin: .onelogin
        case .okta, .miniorange, .keycloak, .google, .generic: .rfc
        }
    }

    /// Entra ID's PATCH requests (op name case, create-on-absent, remove with a value list,
    /// path-less values keyed by paths), OneLogin's member removal with a value list; every other
    /// profile gets RFC 7644 §3.5.2.
    public var patchDialect: PatchDialect {
        switch self {
        case .entra: .entra
        case .onelogin: PatchDialect(removeListedValues: true)
        case .okta, .miniorange, .keycloak, .google, .generic: .rfc
        }
    }
}
