import GRDB

/// Who is making a change, for the audit log: an app's SCIM request (the app acts; `actor` is
/// nil), or an admin action, where `actor` names the admin.
public struct AuditContext: Sendable {
    public var appID: Int64?
    public var appName: String?
    public var requestID: String?
    /// The admin who acted, or nil for an IdP's request (admin operations take an ``AdminActor``).
    public private(set) var actor: String?

    public init(appID: Int64? = nil, appName: String? = nil, requestID: String? = nil) {
        self.appID = appID
        self.appName = appName
        self.requestID = requestID
    }

    /// An admin action, on the app `appID` named `appName` if it concerns one.
    package init(_ actor: AdminActor, appID: Int64? = nil, appName: String? = nil) {
        self.init(appID: appID, appName: appName)
        self.actor = actor.name
    }

    /// An admin action on `app`.
    package init(_ actor: AdminActor, app: App) {
        self.init(actor, appID: app.id, appName: app.name)
    }

    /// Records one change in the same transaction as the change itself, with every directory
    /// change the write made.
    package func record(
        _ db: Database,
        operation: String,
        target: String,
        outcome: String = "ok",
        detail: String? = nil,
        changes: [DirectoryChange] = []
    ) throws {
        try DirectoryStore.pruneAuditIfDue(db)
        try db.executeCached(
            sql: """
                INSERT INTO audit (at, app_id, app_name, request_id, actor, operation, target, outcome, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                Timestamp.now(), appID, appName, requestID, actor, operation,
                actor == nil ? AuditEntry.capped(target, toBytes: AuditEntry.idpTextLimit) : target, outcome,
                actor == nil ? detail.map { AuditEntry.capped($0, toBytes: AuditEntry.idpTextLimit) } : detail,
            ]
        )
        try AuditEntry.recordChanges(changes, of: db.lastInsertedRowID, db)
    }
}

/// The admin performing an action, as the audit's `actor` names them.
///
/// Every admin operation of the store takes one, so that nothing an admin changes goes
/// unattributed: the command-line tool passes the operating-system user who ran it; another
/// front end (a web console) passes whoever it authenticated.
public struct AdminActor: Sendable, Equatable {
    /// The longest name recorded, in bytes.
    public static let maxNameBytes = 256

    public let name: String

    /// An actor named `name` (cut to ``maxNameBytes``; an empty name reads `unknown`).
    public init(_ name: String) {
        self.name = name.isEmpty ? "unknown" : AuditEntry.capped(name, toBytes: Self.maxNameBytes)
    }
}
