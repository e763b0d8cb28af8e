import Foundation
import GRDB

/// One recorded provisioning change.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: String
    public var app: String?
    public var requestId: String?
    public var operation: String
    public var target: String
    public var outcome: String
    public var detail: String?
}

/// What an audit entry names as the target of a refused write, found once the write is refused.
enum AuditTarget {
    case text(String)
    /// `User <id> (<userName>)`, as audit entries name a user.
    case scimUser(appID: Int64, id: String)

    func text(_ db: Database) throws -> String {
        switch self {
        case .text(let text):
            return text
        case .scimUser(let appID, let id):
            let userName = try String.fetchOne(
                db,
                sql: "SELECT user_name FROM scim_user WHERE app_id = ? AND id = ?",
                arguments: [appID, id]
            )
            return "User \(id)" + (userName.map { " (\($0))" } ?? "")
        }
    }
}

/// Which audit entries to read; every condition is optional.
public struct AuditQuery: Sendable {
    public var app: String?
    /// Entries at or after this instant.
    public var since: Date?
    /// A SCIM id or userName appearing in the entry's target.
    public var user: String?
    public var limit: Int

    public init(app: String? = nil, since: Date? = nil, user: String? = nil, limit: Int = 1000) {
        self.app = app
        self.since = since
        self.user = user
        self.limit = limit
    }
}

extension DirectoryStore {
    /// Audit entries, newest first.
    public func auditEntries(_ query: AuditQuery) throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let app = query.app {
            conditions.append("app_name = ? COLLATE NOCASE")
            arguments.append(app)
        }
        if let since = query.since {
            conditions.append("at >= ?")
            arguments.append(Timestamp.string(since))
        }
        if let user = query.user {
            // Targets read `User <id> (<userName>)`, or `User (<userName>)` for a refused create.
            conditions.append("(target LIKE ? ESCAPE '\\' OR target LIKE ? ESCAPE '\\')")
            let escaped = FilterSQL.likeEscaped(user)
            arguments += ["User \(escaped) %", "User %(\(escaped))"]
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, at, app_name, request_id, operation, target, outcome, detail FROM audit\(filter)
                    ORDER BY id DESC LIMIT ?
                    """,
                arguments: StatementArguments(arguments + [query.limit])
            ).map {
                AuditEntry(
                    id: $0[0],
                    at: $0[1],
                    app: $0[2],
                    requestId: $0[3],
                    operation: $0[4],
                    target: $0[5],
                    outcome: $0[6],
                    detail: $0[7]
                )
            }
        }
    }
}
