import ConfigDocument
import DirectoryOperations
import DirectoryStore
import Foundation
import ScimService

extension AdminConsole {
    /// Export, import (upload, dry-run diff, confirm) and the database backup, as
    /// `scimsync export`, `import` and `backup` do them.
    func configurationPage(_ visit: Visit, problem: HTML? = nil, status: Int = 200) throws -> ServiceResponse {
        let controls: HTML =
            visit.canChange
            ? """
            <section><h2>Export</h2>
            <p>The whole configuration (directories, apps, token hashes, sync rules, settings) as one JSON document, as <code>scimsync export</code> writes it.</p>
            <p><a href="/admin/configuration/export">Download the configuration</a> · <a href="/admin/configuration/export?redact=1">Download it without token hashes</a></p></section>
            <section><h2>Import</h2>
            <p>A document written by an export. You see what it would change before anything is changed.</p>
            \(problem ?? "")
            <form method="post" action="/admin/configuration/import" enctype="multipart/form-data">\(Page.csrf(visit))
            <label for="document">Configuration document</label><input type="file" id="document" name="document" accept="application/json,.json" required>
            <label for="mode">Mode</label><select id="mode" name="mode">
            <option value="merge">Merge: add and update what the document names</option>
            <option value="replace">Replace: also delete apps and tokens it does not name</option></select>
            <div class="actions"><button type="submit">Check the document…</button></div></form></section>
            <section><h2>Backup</h2>
            <p>A consistent snapshot of the whole database (users, groups, audit included), as <code>scimsync backup</code> writes it. Put it back on the host with <code>scimsync restore FILE</code>.</p>
            <p><a href="/admin/configuration/backup">Download a backup</a></p></section>
            """
            : "<p class=\"empty\">Exports and backups hold token hashes and personal data: they are for admins, not read-only accounts.</p>"
        return ConsoleResponse.page(status, Page.render("Configuration", visit, HTML.join(["<h1>Configuration</h1>", controls])))
    }

    func exportConfiguration(_ visit: Visit) throws -> ServiceResponse {
        try requireChangeRole(visit)
        let redact = visit.form["redact"] != nil
        let document = ConfigDocument.serialize(try store.exportConfiguration(), redact: redact)
        try store.recordDownload(
            "config.export",
            target: "configuration",
            detail: redact ? "console download, without token hashes" : "console download, with token hashes",
            by: visit.actor
        )
        return ConsoleResponse.download("application/json", filename: "scimsync-config.json", Array(document.utf8))
    }

    func backupDownload(_ visit: Visit) throws -> ServiceResponse {
        try requireChangeRole(visit)
        let path = PrivateFile.temporaryPath(beside: store.path)
        defer { PrivateFile.removeDatabaseFiles(path) }
        try store.backup(to: path)
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ConsoleError.badRequest("The backup could not be read back.") }
        let stamp = Timestamp.now().prefix(19).replacingOccurrences(of: ":", with: "")
        try store.recordDownload("backup", target: "database", detail: "console download, \(bytes.count) bytes", by: visit.actor)
        return ConsoleResponse.download("application/vnd.sqlite3", filename: "scimsync-\(stamp).sqlite", Array(bytes))
    }

    /// The uploaded document checked, then applied as a dry run: its problems, each by its JSON
    /// path, or what it would change with a button to apply it.
    func importPreview(_ visit: Visit) throws -> ServiceResponse {
        let text = visit.form["document"] ?? ""
        let mode = visit.form["mode"].flatMap(DirectoryStore.ImportMode.init(rawValue:)) ?? .merge
        let configuration: SetupConfiguration
        do {
            configuration = try ConfigDocument.parse(Array(text.utf8))
        } catch {
            let items = HTML.join(error.problems.map { "<li><code>\($0.path.isEmpty ? "/" : $0.path)</code>: \($0.message)</li>" })
            return try configurationPage(
                visit,
                problem:
                    "<div class=\"error-box\" role=\"alert\"><p>The document is refused; nothing was imported:</p><ul class=\"problems\">\(items)</ul></div>",
                status: 400
            )
        }
        let changes = try store.importConfiguration(configuration, mode: mode, dryRun: true, by: visit.actor)
        let list: HTML =
            changes.isEmpty
            ? "<p class=\"empty\">No changes: the configuration already matches the document.</p>"
            : "<ul class=\"changes\">\(HTML.join(changes.map { "<li>\($0)</li>" }))</ul>"
        let content: HTML = """
            <h1>Import: what would change</h1><p>Nothing is changed yet (mode \(mode.rawValue)).</p><section>\(list)</section>
            <form method="post" action="/admin/configuration/apply" class="actions">\(Page.csrf(visit))
            <input type="hidden" name="mode" value="\(mode.rawValue)"><input type="hidden" name="document" value="\(HTML.fieldValue(text))">
            <button type="submit"\(changes.isEmpty ? " disabled" : "")>Import</button> <a href="/admin/configuration">Cancel</a></form>
            """
        return ConsoleResponse.page(200, Page.render("Import", visit, content))
    }

    func importApply(_ visit: Visit) throws -> ServiceResponse {
        let mode = visit.form["mode"].flatMap(DirectoryStore.ImportMode.init(rawValue:)) ?? .merge
        let configuration: SetupConfiguration
        do {
            configuration = try ConfigDocument.parse(Array((visit.form["document"] ?? "").utf8))
        } catch {
            throw ConsoleError.badRequest("The document is refused: \(error.description)")
        }
        let changes = try store.importConfiguration(configuration, mode: mode, dryRun: false, by: visit.actor)
        let content: HTML = """
            <h1>Imported</h1><section><ul class="changes">\(HTML.join(changes.map { "<li>\($0)</li>" }))</ul></section>
            <p>Rules changes reach what is already provisioned when you synchronize the app.</p><p><a href="/admin/">Configured IDPs</a></p>
            """
        return ConsoleResponse.page(200, Page.render("Imported", visit, content))
    }

    private func requireChangeRole(_ visit: Visit) throws {
        guard visit.canChange else { throw ConsoleError.forbidden("Exports and backups are for admins; your account is read-only.") }
    }
}
