import GRDB

/// Who is making a change, for the audit log.
public struct AuditContext: Sendable {
    public var appID: Int64?
    public var appName: String?
    public var requestID: String?

    public init(appID: Int64? = nil, appName: String? = nil, requestID: String? = nil) {
        self.appID = appID
        self.appName = appName
        self.requestID = requestID
    }

    /// Records one change in the same transaction as the change itself.
    func record(_ db: Database, operation: String, target: String, outcome: String = "ok", detail: String? = nil) throws {
        try DirectoryStore.pruneAuditIfDue(db)
        try db.execute(
            sql: """
                INSERT INTO audit (at, app_id, app_name, request_id, operation, target, outcome, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [Timestamp.now(), appID, appName, requestID, operation, target, outcome, detail]
        )
    }
}
