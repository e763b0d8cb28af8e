import GRDB
import SCIM
import SyncRules

extension DirectoryStore {
    /// The app's sync rules.
    public func rules(app name: String) throws -> AppRules {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, rules FROM app WHERE name_key = ?", arguments: [name.nameKey]) else {
                throw StoreError.notFound("app '\(name)'")
            }
            return try Self.storedRules(row["rules"], app: row["name"])
        }
    }

    /// An app's rules as stored, or a refusal naming the app when they no longer read.
    package static func storedRules(_ text: String, app: String) throws -> AppRules {
        do {
            return try RulesDocument.parse(text)
        } catch {
            throw StoreError.invalid("the stored rules of app '\(app)' are invalid: \(error)")
        }
    }

    /// Saves the app's rules. They apply to every IdP request from then on; existing directory
    /// objects follow them on the next ``synchronize(app:dryRun:)``.
    ///
    /// With `dryRun`, nothing is saved and the result is what a synchronization under the new
    /// rules would change: the rules are saved and the app synchronized on a private copy.
    @discardableResult
    public func setRules(app name: String, _ rules: AppRules, dryRun: Bool, by actor: AdminActor) throws -> [DirectoryChange] {
        if dryRun {
            return try rehearsal { copy in
                try copy.setRules(app: name, rules, dryRun: false, by: actor)
                return try copy.synchronize(app: name, dryRun: false, by: actor)
            }
        }
        return try write { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            let text = JSONWriter.string(RulesDocument.json(rules))
            try db.execute(sql: "UPDATE app SET rules = ? WHERE id = ? AND rules != ?", arguments: [text, app.id, text])
            if db.changesCount > 0 {
                try AuditContext(actor, app: app).record(
                    db,
                    operation: "rules.set",
                    target: "App \(app.name)",
                    detail: text
                )
            }
            return []
        }
    }

    /// Points the app at another directory (created with `createDirectory`); its users and groups
    /// move there on the next synchronization.
    public func setDirectory(app name: String, directory directoryName: String, createDirectory: Bool, by actor: AdminActor) throws {
        try write { db in
            guard let app = try Self.app(db, named: name) else { throw StoreError.notFound("app '\(name)'") }
            let directory = try Self.directory(db, named: directoryName, creatingAs: createDirectory ? actor : nil)
            guard directory.id != app.directoryID else { return }
            try db.execute(sql: "UPDATE app SET directory_id = ? WHERE id = ?", arguments: [directory.id, app.id])
            try AuditContext(actor, app: app).record(
                db,
                operation: "app.set-directory",
                target: "App \(app.name)",
                detail: "directory \(directory.name), was \(app.directoryName)"
            )
        }
    }
}
