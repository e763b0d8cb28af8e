import Foundation
import GRDB

/// One recorded change: an IdP's request (accepted or refused) or an admin action.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// The most bytes of the target and of the detail recorded for an IdP's request, accepted or
    /// refused: both quote the request (a `userName`), and an IdP could otherwise store a body's
    /// worth of text per request.
    public static let idpTextLimit = 2048

    public var id: Int64
    public var at: String
    public var app: String?
    public var requestId: String?
    /// The admin who acted (`alice`, `root (sudo: alice)`), or nil for the IdP's requests, where
    /// the app acts.
    public var actor: String?
    public var operation: String
    public var target: String
    public var outcome: String
    public var detail: String?
    /// Every directory change the write made, in order (the detail names the first few).
    public var changes: [DirectoryChange]
}

extension AuditEntry {
    /// `text`, or when it is longer than `limit` bytes of UTF-8, its start cut on a character
    /// boundary and followed by how many bytes were left out: `limit` bytes at most in all, for
    /// a limit longer than that note (about 40 bytes).
    static func capped(_ text: String, toBytes limit: Int) -> String {
        let bytes = text.utf8
        guard bytes.count > limit else { return text }
        // The omitted count has at most as many digits as the whole count.
        var kept = max(0, limit - marker(omitting: bytes.count).utf8.count)
        while kept > 0, UTF8.isContinuation(bytes[bytes.index(bytes.startIndex, offsetBy: kept)]) { kept -= 1 }
        let start = String(decoding: bytes.prefix(kept), as: UTF8.self)
        return start + marker(omitting: bytes.count - kept)
    }

    private static func marker(omitting count: Int) -> String {
        "… (\(count) more bytes not recorded)"
    }
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
    /// The admin who acted (ignoring case), whether as the user or through sudo: `alice` finds
    /// `alice` and `root (sudo: alice)`.
    public var actor: String?
    /// Only entries of this outcome (`ok`, `refused`).
    public var outcome: String?
    public var limit: Int
    /// Entries skipped first, for paging.
    public var offset = 0

    public init(app: String? = nil, since: Date? = nil, user: String? = nil, actor: String? = nil, limit: Int = 1000) {
        self.app = app
        self.since = since
        self.user = user
        self.actor = actor
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
        if let actor = query.actor {
            // `alice` also finds `root (sudo: alice)` and, through the web console, `alice (console)`.
            conditions.append("(actor = ? COLLATE NOCASE OR actor LIKE ? ESCAPE '\\' OR actor LIKE ? ESCAPE '\\' OR actor LIKE ? ESCAPE '\\')")
            let escaped = FilterSQL.likeEscaped(actor)
            arguments += [actor, "\(escaped) (sudo: %)", "% (sudo: \(escaped))", "\(escaped) (console)"]
        }
        if let outcome = query.outcome {
            conditions.append("outcome = ?")
            arguments.append(outcome)
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, at, app_name, request_id, actor, operation, target, outcome, detail FROM audit\(filter)
                    ORDER BY id DESC LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(arguments + [query.limit, max(0, query.offset)])
            )
            let changes = try AuditEntry.changes(of: rows.map { $0[0] as Int64 }, db)
            return rows.map {
                AuditEntry(
                    id: $0[0],
                    at: $0[1],
                    app: $0[2],
                    requestId: $0[3],
                    actor: $0[4],
                    operation: $0[5],
                    target: $0[6],
                    outcome: $0[7],
                    detail: $0[8],
                    changes: changes[$0[0], default: []]
                )
            }
        }
    }
}

extension AuditEntry {
    /// Stores `changes` as the entry `auditID`'s, in order. A reason quotes the IdP's text, so it is
    /// capped like an entry's detail; names are directory names, bounded by their rule. Bound
    /// without GRDB's `StatementArguments`: a Bulk request stores thousands of these per commit.
    static func recordChanges(_ changes: [DirectoryChange], of auditID: Int64, _ db: Database) throws {
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO audit_change (audit_id, seq, app_name, change, user_name, group_name, member, member_kind,
                                          origin, fields, reason, previous)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for (seq, change) in changes.enumerated() {
            try insert.bind([
                auditID, seq, change.app, change.change.rawValue, change.user, change.group, change.member,
                change.memberKind, change.origin, change.fields.map { $0.joined(separator: "\n") },
                change.reason.map { capped($0, toBytes: idpTextLimit) }, change.previous,
            ])
            try insert.run()
        }
    }

    /// The directory changes recorded with each of the entries `auditIDs`, in order, in one query.
    static func changes(of auditIDs: [Int64], _ db: Database) throws -> [Int64: [DirectoryChange]] {
        guard !auditIDs.isEmpty else { return [:] }
        // The ids as one JSON array: a listing of any length is one bound value.
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT audit_id, app_name, change, user_name, group_name, member, member_kind, origin, fields, reason, previous
                FROM audit_change WHERE audit_id IN (SELECT value FROM json_each(?)) ORDER BY audit_id, seq
                """,
            arguments: ["[" + auditIDs.map(String.init).joined(separator: ",") + "]"]
        )
        return try Dictionary(grouping: rows) { $0["audit_id"] as Int64 }.mapValues { try $0.map(change) }
    }

    private static func change(_ row: Row) throws -> DirectoryChange {
        guard let kind = DirectoryChange.Kind(rawValue: row["change"]) else {
            throw StoreError.invalid("audit entry #\(row["audit_id"] as Int64) records an unknown change '\(row["change"] as String)'")
        }
        return DirectoryChange(
            app: row["app_name"],
            kind,
            user: row["user_name"],
            group: row["group_name"],
            member: row["member"],
            memberKind: row["member_kind"],
            origin: row["origin"],
            fields: (row["fields"] as String?).map { $0.split(separator: "\n").map(String.init) },
            reason: row["reason"],
            previous: row["previous"]
        )
    }
}
