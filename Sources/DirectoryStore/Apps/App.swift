import ConfigDocument
import Foundation
import GRDB
import SCIM
import SyncRules

/// An IdP connection: its SCIM base URL is `/scim/<name>/v2`, its tokens and rules are its own.
public struct App: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var provider: ProviderProfile
    public var directoryID: Int64
    public var directoryName: String
    public var enabled: Bool
    public var createdAt: String
    /// The public URL the IdP reaches the web server by (`https://scim.example.com`), when the
    /// admin set one: responses then build every URL from it, whatever `Host` a request names.
    public var baseURL: String?
}

extension DirectoryStore {
    /// Creates an app provisioning into an existing directory (or a new one with `createDirectory`).
    @discardableResult
    public func createApp(
        name: String,
        provider: ProviderProfile,
        directoryName: String,
        createDirectory: Bool = false,
        baseURL: String? = nil,
        by actor: AdminActor
    ) throws -> App {
        let baseURL = try baseURL.map(Self.validBaseURL)
        let name = try Self.validAppName(name)
        return try write { db in
            guard try Self.app(db, named: name) == nil else { throw StoreError.duplicate("app '\(name)'") }
            let directory = try Self.directory(db, named: directoryName, creatingAs: createDirectory ? actor : nil)
            try db.execute(
                sql: """
                    INSERT INTO app (name, name_key, provider, directory_id, base_url, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [name, name.nameKey, provider.rawValue, directory.id, baseURL, Timestamp.now()]
            )
            let app = try Self.app(db, named: name)!
            try AuditContext(actor, app: app).record(
                db,
                operation: "app.create",
                target: "App \(app.name)",
                detail: "provider \(provider.rawValue), directory \(directory.name)"
            )
            return app
        }
    }

    public func apps() throws -> [App] {
        try read { db in try Row.fetchAll(db, sql: Self.appSelect + " ORDER BY a.name_key").map(Self.app) }
    }

    public func app(named name: String) throws -> App? {
        try read { db in try Self.app(db, named: name) }
    }

    /// A disabled app's tokens are refused; its data stays.
    public func setAppEnabled(_ name: String, enabled: Bool, by actor: AdminActor) throws {
        try write { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            guard app.enabled != enabled else { return }
            try db.execute(sql: "UPDATE app SET enabled = ? WHERE id = ?", arguments: [enabled, app.id])
            try AuditContext(actor, app: app).record(db, operation: enabled ? "app.enable" : "app.disable", target: "App \(app.name)")
        }
    }

    /// Deletes the app, its tokens and its IdP view. Directory users it created stay, unlinked.
    public func deleteApp(_ name: String, by actor: AdminActor) throws {
        try write { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            let counts = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM app_token WHERE app_id = :id), (SELECT count(*) FROM scim_user WHERE app_id = :id),
                           (SELECT count(*) FROM scim_group WHERE app_id = :id AND deleted_at IS NULL)
                    """,
                arguments: ["id": app.id]
            )!
            try db.execute(sql: "DELETE FROM app WHERE id = ?", arguments: [app.id])
            try AuditContext(actor, app: app).record(
                db,
                operation: "app.delete",
                target: "App \(app.name)",
                detail: "with \(counts[0] as Int) token(s), \(counts[1] as Int) IdP user(s), \(counts[2] as Int) IdP group(s)"
            )
        }
    }

    static let appSelect = """
        SELECT a.id, a.name, a.provider, a.directory_id, d.name AS directory_name, a.enabled, a.created_at, a.base_url
        FROM app a JOIN directory d ON d.id = a.directory_id
        """

    package static func app(_ db: Database, named name: String) throws -> App? {
        try Row.fetchOne(db, sql: appSelect + " WHERE a.name_key = ?", arguments: [name.nameKey]).map(app)
    }

    private static func app(_ row: Row) -> App {
        App(
            id: row["id"],
            name: row["name"],
            provider: ProviderProfile(rawValue: row["provider"]) ?? .generic,
            directoryID: row["directory_id"],
            directoryName: row["directory_name"],
            enabled: row["enabled"],
            createdAt: row["created_at"],
            baseURL: row["base_url"]
        )
    }

    /// Sets (or with `nil` clears) the public URL the app's responses build their URLs from.
    public func setAppBaseURL(_ name: String, baseURL: String?, by actor: AdminActor) throws {
        let baseURL = try baseURL.map(Self.validBaseURL)
        try write { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            guard app.baseURL != baseURL else { return }
            try db.execute(sql: "UPDATE app SET base_url = ? WHERE id = ?", arguments: [baseURL, app.id])
            try AuditContext(actor, appID: app.id, appName: app.name).record(
                db,
                operation: "app.set-base-url",
                target: "App \(app.name)",
                detail: baseURL ?? "cleared"
            )
        }
    }

    /// The name, trimmed, if it can be an app's: it is part of the SCIM base URL.
    package static func validAppName(_ name: String) throws -> String {
        let name = try validName(name, of: "app")
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
            throw StoreError.invalid("an app name may use only letters, digits, '-', '_' and '.' (it is part of the SCIM base URL)")
        }
        return name
    }

    /// The URL as ``PublicBaseURL`` keeps it, or a refusal saying what is expected.
    static func validBaseURL(_ text: String) throws -> String {
        guard let url = PublicBaseURL.normalized(text) else { throw StoreError.invalid("the base URL must be \(PublicBaseURL.expected)") }
        return url
    }
}
