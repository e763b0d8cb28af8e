import GRDB

/// Where a directory membership came from, as stored in `dir_membership.origin`. A membership
/// exists while one of its origins remains, so each rule removes exactly what it added.
enum MembershipOrigin: Equatable {
    case admin
    /// App `app` derived it from its IdP group whose `scim_group.pk` is `groupPK`.
    case idpGroup(app: Int64, groupPK: Int64)
    /// One of the app's default groups for all users.
    case defaultGroup(app: Int64)
    /// One of the app's default groups for new users: added once, never re-derived.
    case newUserGroup(app: Int64)

    var stored: String {
        switch self {
        case .admin: "admin"
        case .idpGroup(let app, let pk): "app:\(app):group:\(pk)"
        case .defaultGroup(let app): "app:\(app):default"
        case .newUserGroup(let app): "app:\(app):new"
        }
    }

    init?(stored: String) {
        let parts = stored.split(separator: ":")
        if stored == "admin" {
            self = .admin
            return
        }
        guard parts.count >= 3, parts[0] == "app", let app = Int64(parts[1]) else { return nil }
        switch (parts[2], parts.count) {
        case ("group", 4):
            guard let pk = Int64(parts[3]) else { return nil }
            self = .idpGroup(app: app, groupPK: pk)
        case ("default", 3): self = .defaultGroup(app: app)
        case ("new", 3): self = .newUserGroup(app: app)
        default: return nil
        }
    }

    /// `LIKE` pattern matching every origin of one app.
    static func pattern(app: Int64) -> String { "app:\(app):%" }

    /// How the admin tool shows an origin: "admin", "app okta: IdP group Engineering", …
    /// (without the app's name when `withApp` is false).
    static func describe(_ stored: String, _ db: Database, withApp: Bool = true) throws -> String {
        guard let origin = MembershipOrigin(stored: stored) else { return stored }
        let rule: String
        let app: Int64
        switch origin {
        case .admin:
            return "admin"
        case .idpGroup(let appID, let pk):
            let group = try String.fetchOne(db, sql: "SELECT display_name FROM scim_group WHERE pk = ?", arguments: [pk])
            (rule, app) = ("IdP group \(group ?? "#\(pk)")", appID)
        case .defaultGroup(let appID):
            (rule, app) = ("default group", appID)
        case .newUserGroup(let appID):
            (rule, app) = ("default group for new users", appID)
        }
        return withApp ? "app \(try appName(app, db)): \(rule)" : rule
    }

    private static func appName(_ id: Int64, _ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT name FROM app WHERE id = ?", arguments: [id]) ?? "#\(id)"
    }
}
