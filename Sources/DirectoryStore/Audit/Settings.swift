import Foundation
import GRDB

/// Settings of the whole installation, kept in the `setting` table.
public struct Settings: Sendable, Equatable, Codable {
    /// Audit entries older than this many days are deleted; nil keeps them for ever.
    public var auditRetentionDays: Int?

    /// Every setting is listed, unset ones as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(auditRetentionDays, forKey: .auditRetentionDays)
    }
}

extension DirectoryStore {
    public func settings() throws -> Settings {
        try read { db in try Self.settings(db) }
    }

    /// Sets (or with nil, clears) the audit retention, and applies it at once, to every entry.
    public func setAuditRetention(days: Int?, by actor: AdminActor) throws {
        if let days, days < 1 { throw StoreError.invalid("the audit retention must be at least 1 day") }
        try write { db in
            let current = try Self.settings(db).auditRetentionDays
            try Self.storeAuditRetention(db, days: days)
            try Self.pruneAudit(db)
            guard current != days else { return }
            try AuditContext(actor).record(
                db,
                operation: "settings.set",
                target: "setting audit-retention-days",
                detail: "\(days.map(String.init) ?? "none"), was \(current.map(String.init) ?? "none")"
            )
        }
    }

    /// Writes the retention setting (nil removes it).
    package static func storeAuditRetention(_ db: Database, days: Int?) throws {
        if let days {
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('auditRetentionDays', ?)", arguments: [String(days)])
        } else {
            try db.execute(sql: "DELETE FROM setting WHERE key = 'auditRetentionDays'")
        }
    }

    package static func settings(_ db: Database) throws -> Settings {
        let days = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'auditRetentionDays'").flatMap { Int($0) }
        return Settings(auditRetentionDays: days)
    }

    /// Deletes the audit entries older than the retention (by the `audit_at` index).
    static func pruneAudit(_ db: Database) throws {
        guard let days = try settings(db).auditRetentionDays else { return }
        let cutoff = Timestamp.string(Date(timeIntervalSinceNow: -Double(days) * 86_400))
        try db.execute(sql: "DELETE FROM audit WHERE at < ?", arguments: [cutoff])
    }
}

extension DirectoryStore {
    /// Applies the audit retention at most once an hour per process, inside a write that is
    /// already taking place, so that no timer thread is needed.
    static func pruneAuditIfDue(_ db: Database) throws {
        if auditPruneClock.isDue() { try pruneAudit(db) }
    }

    private static let auditPruneClock = PruneClock(interval: 3600)
}

/// Says "due" once per interval.
final class PruneClock: @unchecked Sendable {
    private let lock = NSLock()
    private let interval: TimeInterval
    private var last: Date?

    init(interval: TimeInterval) {
        self.interval = interval
    }

    func isDue() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard last.map({ now.timeIntervalSince($0) >= interval }) ?? true else { return false }
        last = now
        return true
    }
}
