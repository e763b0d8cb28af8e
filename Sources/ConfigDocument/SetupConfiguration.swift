import AppTraffic
import SyncRules

/// The whole configuration of a ScimSync installation, as exports carry it: settings,
/// directories, and apps with their provider, directory, tokens (as hashes) and sync rules.
/// Users, groups, memberships and the audit log are data, not configuration: database
/// snapshots carry them.
public struct SetupConfiguration: Sendable, Equatable {
    /// Nil when a document does not name the settings: importing it leaves them as they are.
    public var settings: Settings?
    public var directories: [String]
    public var apps: [App]
    /// Applications reading the directory through the Crowd API.
    public var crowdClients: [CrowdClient]

    public init(settings: Settings? = Settings(), directories: [String] = [], apps: [App] = [], crowdClients: [CrowdClient] = []) {
        self.settings = settings
        self.directories = directories
        self.apps = apps
        self.crowdClients = crowdClients
    }

    /// A Crowd client: its directories in lookup order, the address ranges it may call from, and
    /// its password's slow hash (never the password).
    public struct CrowdClient: Sendable, Equatable {
        public var name: String
        public var directories: [String]
        public var allowedAddresses: [String]
        public var enabled: Bool
        /// Nil in a redacted export: importing it leaves the client's password as it is (a new
        /// client then has none that works until `scimsync client rotate-password`).
        public var passwordHash: String?

        public init(name: String, directories: [String], allowedAddresses: [String], enabled: Bool, passwordHash: String?) {
            self.name = name
            self.directories = directories
            self.allowedAddresses = allowedAddresses
            self.enabled = enabled
            self.passwordHash = passwordHash
        }
    }

    /// Settings of the whole installation.
    public struct Settings: Sendable, Equatable {
        public var auditRetentionDays: Int?

        public init(auditRetentionDays: Int? = nil) {
            self.auditRetentionDays = auditRetentionDays
        }
    }

    /// An app: one IdP connection.
    public struct App: Sendable, Equatable {
        public var name: String
        public var provider: ProviderProfile
        public var directory: String
        public var enabled: Bool
        /// Nil in a redacted export: importing it leaves the app's tokens as they are.
        public var tokens: [Token]?
        public var rules: AppRules
        /// The public URL responses build their URLs from (see ``PublicBaseURL``), if set.
        public var baseURL: String?
        /// The app's own rate limit; nil: the responder's default.
        public var rateLimit: RateLimit?

        public init(
            name: String,
            provider: ProviderProfile,
            directory: String,
            enabled: Bool,
            tokens: [Token]?,
            rules: AppRules,
            baseURL: String? = nil,
            rateLimit: RateLimit? = nil
        ) {
            self.name = name
            self.provider = provider
            self.directory = directory
            self.enabled = enabled
            self.tokens = tokens
            self.rules = rules
            self.baseURL = baseURL
            self.rateLimit = rateLimit
        }
    }

    /// A bearer token, by the SHA-256 of its secret: the secret itself is never kept.
    public struct Token: Sendable, Equatable {
        public var sha256: String
        public var hint: String
        public var createdAt: String
        public var expiresAt: String?

        public init(sha256: String, hint: String, createdAt: String, expiresAt: String?) {
            self.sha256 = sha256
            self.hint = hint
            self.createdAt = createdAt
            self.expiresAt = expiresAt
        }
    }
}
