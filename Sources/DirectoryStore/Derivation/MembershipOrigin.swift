import GRDB
import SyncRules

/// Where a directory membership came from, stored in `dir_membership` as its `rule`, `app_id` and
/// `idp_group_pk` columns, whose foreign keys delete the membership with its app or IdP group. A
/// membership exists while one of its origins remains, so each rule removes exactly what it added.
enum MembershipOrigin: Hashable, Comparable {
    case admin
    /// App `app` derived it from its IdP group whose `scim_group.pk` is `groupPK`.
    case idpGroup(app: Int64, groupPK: Int64)
    /// One of the app's default groups for all users.
    case defaultGroup(app: Int64)
    /// One of the app's default groups for new users: added once, never re-derived.
    case newUserGroup(app: Int64)

    /// The values of `dir_membership.rule`.
    enum Rule: String {
        case admin, idpGroup, defaultGroup, newUserGroup
    }

    var rule: Rule {
        switch self {
        case .admin: .admin
        case .idpGroup: .idpGroup
        case .defaultGroup: .defaultGroup
        case .newUserGroup: .newUserGroup
        }
    }

    /// The app whose rule made it (nil for the admin's).
    var app: Int64? {
        switch self {
        case .admin: nil
        case .idpGroup(let app, _), .defaultGroup(let app), .newUserGroup(let app): app
        }
    }

    var idpGroup: Int64? {
        if case .idpGroup(_, let pk) = self { return pk }
        return nil
    }

    /// The origin as the planner weighs it (the app is the planner's own).
    var held: HeldMembership.Origin {
        switch self {
        case .admin: .admin
        case .idpGroup(_, let pk): .app(.idpGroup(pk: pk))
        case .defaultGroup: .app(.defaultGroup)
        case .newUserGroup: .app(.newUserGroup)
        }
    }

    /// The origin of a row selecting ``columns``.
    init(row: Row) throws {
        try self.init(rule: row["rule"], app: row["app_id"], idpGroup: row["idp_group_pk"])
    }

    /// From the columns ``columns(_:)`` names, in its order.
    init(rule: String?, app: Int64?, idpGroup: Int64?) throws {
        switch (rule.flatMap(Rule.init(rawValue:)), app, idpGroup) {
        case (.admin, nil, nil): self = .admin
        case (.idpGroup, let app?, let pk?): self = .idpGroup(app: app, groupPK: pk)
        case (.defaultGroup, let app?, nil): self = .defaultGroup(app: app)
        case (.newUserGroup, let app?, nil): self = .newUserGroup(app: app)
        default: throw StoreError.invalid("a membership has an unknown origin (rule \(String(describing: rule)))")
        }
    }

    /// The columns ``init(row:)`` reads, prefixed with a table alias when given.
    static func columns(_ alias: String = "") -> String {
        let prefix = alias.isEmpty ? "" : alias + "."
        return "\(prefix)rule, \(prefix)app_id, \(prefix)idp_group_pk"
    }

    /// The ordering key that makes listings print the same way every time.
    private var sortKey: (Int, Int64, Int64) {
        switch self {
        case .admin: (0, 0, 0)
        case .idpGroup(let app, let pk): (1, app, pk)
        case .defaultGroup(let app): (2, app, 0)
        case .newUserGroup(let app): (3, app, 0)
        }
    }

    static func < (a: MembershipOrigin, b: MembershipOrigin) -> Bool { a.sortKey < b.sortKey }

    /// How the admin tool shows an origin: "admin", "app okta: IdP group Engineering", …
    /// (without the app's name when `withApp` is false).
    func describe(_ db: Database, withApp: Bool = true) throws -> String {
        let rule: String
        switch self {
        case .admin:
            return "admin"
        case .idpGroup(_, let pk):
            let group = try String.fetchOne(db.cachedStatement(sql: "SELECT display_name FROM scim_group WHERE pk = ?"), arguments: [pk])
            rule = "IdP group \(group ?? "#\(pk)")"
        case .defaultGroup:
            rule = "default group"
        case .newUserGroup:
            rule = "default group for new users"
        }
        guard withApp, let app else { return rule }
        let name = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM app WHERE id = ?"), arguments: [app]) ?? "#\(app)"
        return "app \(name): \(rule)"
    }
}
