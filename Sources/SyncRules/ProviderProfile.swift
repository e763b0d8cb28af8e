/// The IdP an app connects to. Every profile accepts every IdP's dialect; the profile names
/// the IdP for the admin and picks its defaults.
public enum ProviderProfile: String, Sendable, Codable, CaseIterable {
    case okta, entra, onelogin, miniorange, keycloak, google, generic
}
