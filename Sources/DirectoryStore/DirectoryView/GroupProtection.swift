import GRDB
import SCIM

extension DirectoryStore {
    /// Protects a directory group from the apps, or lifts the protection, and audits it.
    ///
    /// A protected group is filled by an app only through an explicit rule naming it: a manual
    /// mapping row (or a default group). Protecting takes effect at once: what the apps had
    /// derived into the group without such a rule is removed, and returned. Lifting it changes no
    /// membership; the apps' rules fill the group again at their next write or `scimsync sync`.
    /// Setting the protection a group already has changes nothing and records nothing.
    @discardableResult
    public func setGroupProtected(
        _ protected: Bool,
        group: String,
        directory: String,
        by actor: AdminActor
    ) throws -> [DirectoryChange] {
        try write { db in
            let directory = try Self.existingDirectory(db, directory)
            let row = try Self.existingGroup(db, named: group, in: directory)
            try db.execute(
                sql: "UPDATE dir_group SET protected = ?, modified_at = ? WHERE id = ? AND protected != ?",
                arguments: [protected, Timestamp.now(), row["id"], protected]
            )
            guard db.changesCount > 0 else { return [] }
            let name: String = row["name"]
            var changes: [DirectoryChange] = []
            if protected {
                for appID in try Int64.fetchAll(db, sql: "SELECT id FROM app ORDER BY name_key") {
                    let deriver = try Deriver(db, appID: appID)
                    try deriver.rederiveForProtectedGroup(id: row["id"])
                    // Skips of other protected groups, met on the way, are not this command's news.
                    changes += deriver.changes.filter { $0.change != .protectedGroupSkipped || $0.group?.nameKey == name.nameKey }
                }
            }
            try AuditContext(actor).record(
                db,
                operation: protected ? "directory.group.protect" : "directory.group.unprotect",
                target: Self.auditTarget(group: name, in: directory),
                detail: Self.protectionSummary(changes),
                changes: changes
            )
            return changes
        }
    }

    /// What protecting a group changed, for the audit: the first few changes named, the rest counted.
    private static func protectionSummary(_ changes: [DirectoryChange]) -> String? {
        guard !changes.isEmpty else { return nil }
        let shown = changes.prefix(5).map(\.description).joined(separator: "; ")
        let rest = changes.count > 5 ? "; and \(changes.count - 5) more" : ""
        return "\(changes.count) change\(changes.count == 1 ? "" : "s"): " + shown + rest
    }
}
