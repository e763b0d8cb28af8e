import GRDB
import SCIM
import SyncRules

/// Derives one app's part of the directory view from its IdP view by its sync rules, inside the
/// caller's transaction. The live SCIM path and `scimsync sync` both call it, so they cannot
/// disagree, and deriving twice from the same IdP view changes nothing the second time.
final class Deriver {
    let db: Database
    let appID: Int64
    let appName: String
    let directoryID: Int64
    let rules: AppRules
    /// What the derivation changed, in order.
    private(set) var changes: [DirectoryChange] = []
    /// Which directory groups are protected (looked up when first needed) and the skips reported.
    var protection = ProtectionState()

    /// Reads the app's current directory and rules in the caller's transaction.
    init(_ db: Database, appID: Int64) throws {
        let app = try db.firstCached(sql: "SELECT name, directory_id, rules FROM app WHERE id = ?", arguments: [appID]) { row in
            let name = row.text(0)
            let rules = try row.withUTF8(2) { text in
                try AppRulesCache.shared.rules(appID: appID, utf8: text) { try DirectoryStore.storedRules($0, app: name) }
            }
            return (name: name, directoryID: row.integer(1), rules: rules)
        }
        guard let app else { throw StoreError.notFound("app #\(appID)") }
        self.db = db
        self.appID = appID
        appName = app.name
        directoryID = app.directoryID
        rules = app.rules
    }

    /// Runs `body` in a savepoint. When the rules refuse (a ``RuleRefusal``), what `body` did is
    /// undone, its recorded changes too, and the refusal is returned; other errors are thrown.
    func refusal(of body: () throws -> Void) throws -> RuleRefusal? {
        let recorded = changes.count
        do {
            try db.inCachedSavepoint(body)
            return nil
        } catch let refusal as RuleRefusal {
            changes.removeSubrange(recorded...)
            return refusal
        }
    }

    func record(
        _ kind: DirectoryChange.Kind,
        user: String? = nil,
        group: String? = nil,
        member: String? = nil,
        memberKind: String? = nil,
        origin: String? = nil,
        fields: [String]? = nil,
        reason: String? = nil,
        previous: String? = nil
    ) {
        changes.append(
            DirectoryChange(
                app: appName,
                kind,
                user: user,
                group: group,
                member: member,
                memberKind: memberKind,
                origin: origin,
                fields: fields,
                reason: reason,
                previous: previous
            )
        )
    }

    /// Records `operation` on `target` in `audit`, with every change this derivation made and a
    /// detail of `before` (what the request did), the ``auditSummary`` and `after` (what is queued).
    func record(in audit: AuditContext, operation: String, target: String, before: String? = nil, after: String? = nil) throws {
        let parts = [before, auditSummary, after].compactMap { $0 }
        try audit.record(
            db,
            operation: operation,
            target: target,
            detail: parts.isEmpty ? nil : parts.joined(separator: "; "),
            changes: changes
        )
    }

    /// The changes in a line for the audit log, the first few named and the rest counted.
    var auditSummary: String? {
        guard !changes.isEmpty else { return nil }
        let shown = changes.prefix(5).map(\.summary).joined(separator: "; ")
        let rest = changes.count > 5 ? "; and \(changes.count - 5) more" : ""
        return "directory: " + shown + rest
    }
}
