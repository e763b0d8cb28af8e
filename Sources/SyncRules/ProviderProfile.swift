/// The IdP an app connects to. The profile names the IdP for the admin, picks its defaults and
/// the dialect its requests are read in: `generic` (and every IdP without a documented deviation)
/// gets RFC 7643/7644 as written; each deviation is for the profiles whose IdP needs it
/// (`ProviderProfile+Dialect.swift`, docs/IDP-COMPATIBILITY.md).
public enum ProviderProfile: String, Sendable, Codable, CaseIterable {
    case okta, entra, onelogin, miniorange, keycloak, google, generic
}
