import ConfigDocument
import DirectoryStore
import GRDB
import SCIM
import SyncRules

/// Applies an imported configuration inside the caller's transaction, noting each change.
struct ConfigurationImporter {
    let db: Database
    private(set) var changes: [String] = []

    init(db: Database) {
        self.db = db
    }

    mutating func apply(_ configuration: SetupConfiguration, mode: DirectoryStore.ImportMode) throws {
        if let settings = configuration.settings { try applySettings(settings) }
        for name in configuration.directories where try DirectoryStore.directory(db, named: name) == nil {
            _ = try DirectoryStore.insertDirectory(db, name: name)
            changes.append("directory created: \(name)")
        }
        for app in configuration.apps { try applyApp(app, mode: mode) }
        try applyCrowdClients(configuration.crowdClients, mode: mode)
        if mode == .replace {
            try removeAppsNotIn(configuration)
            try removeDirectoriesNotIn(configuration)
        }
    }

    private mutating func applyCrowdClients(_ clients: [SetupConfiguration.CrowdClient], mode: DirectoryStore.ImportMode) throws {
        for client in clients {
            let existed = try DirectoryStore.crowdClientRow(db, named: client.name) != nil
            let changed = try DirectoryStore.storeCrowdClient(
                db,
                name: client.name,
                directories: client.directories,
                addresses: client.allowedAddresses,
                enabled: client.enabled,
                passwordHash: client.passwordHash
            )
            if !existed {
                changes.append(
                    "crowd client created: \(client.name)"
                        + (client.passwordHash == nil ? " (no password: run scimsync client rotate-password \(client.name))" : "")
                )
            } else if changed {
                changes.append("crowd client updated: \(client.name)")
            }
        }
        guard mode == .replace else { return }
        let named = Set(clients.map(\.name.nameKey))
        for client in try DirectoryStore.crowdClients(db) where !named.contains(client.name.nameKey) {
            try db.execute(sql: "DELETE FROM crowd_client WHERE id = ?", arguments: [client.id])
            changes.append("crowd client deleted: \(client.name)")
        }
    }

    private mutating func applySettings(_ settings: SetupConfiguration.Settings) throws {
        let current = try DirectoryStore.settings(db).auditRetentionDays
        guard current != settings.auditRetentionDays else { return }
        try DirectoryStore.storeAuditRetention(db, days: settings.auditRetentionDays)
        changes.append("setting changed: audit-retention-days \(settings.auditRetentionDays.map(String.init) ?? "none")")
    }

    private mutating func applyApp(_ app: SetupConfiguration.App, mode: DirectoryStore.ImportMode) throws {
        let directory = try DirectoryStore.existingDirectory(db, app.directory)
        let rules = JSONWriter.string(RulesDocument.json(app.rules))
        let appID: Int64
        if let row = try Row.fetchOne(
            db,
            sql: "SELECT id, provider, directory_id, enabled, rules, base_url FROM app WHERE name_key = ?",
            arguments: [app.name.nameKey]
        ) {
            appID = row["id"]
            var updated: [String] = []
            if row["provider"] != app.provider.rawValue { updated.append("provider") }
            if row["directory_id"] != directory.id { updated.append("directory") }
            if row["enabled"] != app.enabled { updated.append("enabled") }
            if row["base_url"] != app.baseURL { updated.append("base URL") }
            if try DirectoryStore.storedRules(row["rules"], app: app.name) != app.rules { updated.append("rules") }
            if try DirectoryStore.rateLimit(db, appID: appID) != app.rateLimit { updated.append("rate limit") }
            if !updated.isEmpty {
                try db.execute(
                    sql: "UPDATE app SET provider = ?, directory_id = ?, enabled = ?, rules = ?, base_url = ? WHERE id = ?",
                    arguments: [app.provider.rawValue, directory.id, app.enabled, rules, app.baseURL, appID]
                )
                changes.append("app updated: \(app.name) (\(updated.joined(separator: ", ")))")
            }
        } else {
            try db.execute(
                sql: """
                    INSERT INTO app (name, name_key, provider, directory_id, enabled, rules, base_url, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    app.name, app.name.nameKey, app.provider.rawValue, directory.id, app.enabled, rules, app.baseURL, Timestamp.now(),
                ]
            )
            appID = db.lastInsertedRowID
            changes.append("app created: \(app.name)")
        }
        try DirectoryStore.storeRateLimit(db, appID: appID, app.rateLimit)
        if let tokens = app.tokens { try applyTokens(tokens, app: app.name, appID: appID, mode: mode) }
    }

    private mutating func applyTokens(
        _ tokens: [SetupConfiguration.Token],
        app: String,
        appID: Int64,
        mode: DirectoryStore.ImportMode
    ) throws {
        for imported in tokens {
            let token = try Self.storedTimes(imported)
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT app_id, expires_at, revoked_at FROM app_token WHERE token_hash = ?",
                arguments: [token.sha256]
            ) {
                guard row["app_id"] == appID else {
                    throw StoreError.invalid("a token of app '\(app)' (\(token.hint)) belongs to another app in this database")
                }
                // An import only ever shortens a token's life: an old export must not bring back a
                // token revoked or expired here since (a leaked one, say).
                let expiry = Self.earlier(row["expires_at"], token.expiresAt)
                if row["revoked_at"] == nil as String?, row["expires_at"] != expiry {
                    try db.execute(sql: "UPDATE app_token SET expires_at = ? WHERE token_hash = ?", arguments: [expiry, token.sha256])
                    changes.append("token updated: \(app) \(token.hint)")
                }
            } else {
                // A token deleted here (with its app, or by an earlier replace) left a tombstone:
                // it comes back revoked, so the listing says why the IdP's token fails.
                let deletedAt = try String.fetchOne(
                    db,
                    sql: "SELECT deleted_at FROM token_tombstone WHERE token_hash = ?",
                    arguments: [token.sha256]
                )
                try db.execute(
                    sql: """
                        INSERT INTO app_token (app_id, token_hash, hint, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [appID, token.sha256, token.hint, token.createdAt, token.expiresAt, deletedAt]
                )
                changes.append(
                    deletedAt.map {
                        "token added as revoked: \(app) \(token.hint) (deleted from this database at \($0); a deleted token never comes back)"
                    }
                        ?? "token added: \(app) \(token.hint)"
                )
            }
        }
        guard mode == .replace else { return }
        let kept = Set(tokens.map(\.sha256))
        for row in try Row.fetchAll(
            db,
            sql: "SELECT id, token_hash, hint FROM app_token WHERE app_id = ? AND revoked_at IS NULL",
            arguments: [appID]
        ) where !kept.contains(row["token_hash"]) {
            try db.execute(sql: "DELETE FROM app_token WHERE id = ?", arguments: [row["id"] as Int64])
            changes.append("token removed: \(app) \(row["hint"] as String)")
        }
    }

    /// The token with its times in the store's form (see ``Timestamp/stored(_:)``).
    private static func storedTimes(_ token: SetupConfiguration.Token) throws -> SetupConfiguration.Token {
        guard let created = Timestamp.stored(token.createdAt) else {
            throw StoreError.invalid("the token \(token.hint) has a creation time this server cannot read: \(token.createdAt)")
        }
        var stored = token
        stored.createdAt = created
        if let expiry = token.expiresAt {
            guard let readable = Timestamp.stored(expiry) else {
                throw StoreError.invalid("the token \(token.hint) has an expiry this server cannot read: \(expiry)")
            }
            stored.expiresAt = readable
        }
        return stored
    }

    /// The earlier of two expiry times, nil meaning never (stored times sort as text).
    private static func earlier(_ a: String?, _ b: String?) -> String? {
        guard let a, let b else { return a ?? b }
        return min(a, b)
    }

    private mutating func removeAppsNotIn(_ configuration: SetupConfiguration) throws {
        let named = Set(configuration.apps.map(\.name.nameKey))
        for row in try Row.fetchAll(db, sql: "SELECT id, name, name_key FROM app ORDER BY name_key")
        where !named.contains(row["name_key"]) {
            try db.execute(sql: "DELETE FROM app WHERE id = ?", arguments: [row["id"] as Int64])
            changes.append("app deleted: \(row["name"] as String) (with its IdP view)")
        }
    }

    private mutating func removeDirectoriesNotIn(_ configuration: SetupConfiguration) throws {
        let named = Set(configuration.directories.map(\.nameKey))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, name_key,
                       EXISTS (SELECT 1 FROM app WHERE directory_id = directory.id)
                       OR EXISTS (SELECT 1 FROM dir_user WHERE directory_id = directory.id)
                       OR EXISTS (SELECT 1 FROM dir_group WHERE directory_id = directory.id) AS used
                FROM directory ORDER BY name_key
                """
        ) where !named.contains(row["name_key"]) {
            if row["used"] {
                changes.append("directory kept: \(row["name"] as String) (it holds users or groups)")
            } else {
                try db.execute(sql: "DELETE FROM directory WHERE id = ?", arguments: [row["id"] as Int64])
                changes.append("directory deleted: \(row["name"] as String)")
            }
        }
    }
}
