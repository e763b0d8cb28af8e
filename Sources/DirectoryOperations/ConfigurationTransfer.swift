import ConfigDocument
import DirectoryStore
import GRDB
import SCIM
import SyncRules

extension DirectoryStore {
    /// How an import treats what the document does not name.
    public enum ImportMode: String, Sendable, CaseIterable {
        /// Adds and updates what the document names; leaves everything else as it is.
        case merge
        /// Also deletes the apps (with their IdP views) and tokens the document does not name, and
        /// the directories it does not name that no app uses and that hold no users or groups.
        case replace
    }

    /// The whole configuration, in the order exports list it.
    public func exportConfiguration() throws -> SetupConfiguration {
        try snapshot {
            try read { db in
                let directories = try String.fetchAll(db, sql: "SELECT name FROM directory ORDER BY name_key")
                let apps = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.id, a.name, a.provider, d.name AS directory, a.enabled, a.rules, a.base_url
                        FROM app a JOIN directory d ON d.id = a.directory_id ORDER BY a.name_key
                        """
                ).map { row in
                    SetupConfiguration.App(
                        name: row["name"],
                        provider: ProviderProfile(rawValue: row["provider"]) ?? .generic,
                        directory: row["directory"],
                        enabled: row["enabled"],
                        tokens: try Self.exportedTokens(db, appID: row["id"]),
                        rules: try DirectoryStore.storedRules(row["rules"], app: row["name"]),
                        baseURL: row["base_url"],
                        rateLimit: try Self.rateLimit(db, appID: row["id"])
                    )
                }
                return SetupConfiguration(
                    settings: .init(auditRetentionDays: try Self.settings(db).auditRetentionDays),
                    directories: directories,
                    apps: apps,
                    crowdClients: try Self.exportedCrowdClients(db)
                )
            }
        }
    }

    /// Applies a configuration in one transaction and returns what changed, one line each; with
    /// `dryRun` the very import runs on a private copy (``rehearsal(_:)``), so the live database
    /// is only read. Rules changes reach existing directory objects on the next
    /// ``synchronize(app:dryRun:)``.
    public func importConfiguration(_ configuration: SetupConfiguration, mode: ImportMode, dryRun: Bool, by actor: AdminActor) throws -> [String] {
        if dryRun { return try rehearsal { try $0.importConfiguration(configuration, mode: mode, dryRun: false, by: actor) } }
        return try write { db in
            var importer = ConfigurationImporter(db: db)
            try importer.apply(configuration, mode: mode)
            if !importer.changes.isEmpty {
                try AuditContext(actor).record(
                    db,
                    operation: "config.import",
                    target: "configuration (\(mode.rawValue))",
                    detail: importer.changes.joined(separator: "; ")
                )
            }
            return importer.changes
        }
    }

    /// Crowd clients by name, each with its password's hash.
    private static func exportedCrowdClients(_ db: Database) throws -> [SetupConfiguration.CrowdClient] {
        try crowdClients(db).map { client in
            SetupConfiguration.CrowdClient(
                name: client.name,
                directories: client.directories,
                allowedAddresses: client.allowedAddresses,
                enabled: client.enabled,
                passwordHash: try crowdClientRow(db, named: client.name)?["password_hash"]
            )
        }
    }

    /// Live tokens (revoked ones are left out), oldest first.
    private static func exportedTokens(_ db: Database, appID: Int64) throws -> [SetupConfiguration.Token] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT token_hash, hint, created_at, expires_at FROM app_token
                WHERE app_id = ? AND revoked_at IS NULL ORDER BY created_at, token_hash
                """,
            arguments: [appID]
        ).map {
            SetupConfiguration.Token(sha256: $0["token_hash"], hint: $0["hint"], createdAt: $0["created_at"], expiresAt: $0["expires_at"])
        }
    }
}
