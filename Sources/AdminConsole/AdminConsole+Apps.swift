import AppTraffic
import DirectoryStore
import Foundation
import ScimService
import SyncRules

extension AdminConsole {
    /// "Configured IDPs": every app with its provider, directory, state, last contact, what it
    /// provisioned and its errors of the last 24 hours.
    func overview(_ visit: Visit) throws -> ServiceResponse {
        let apps = try store.apps()
        let sizes = try store.sizes()
        let sinceHour = Int64(Date().timeIntervalSince1970) / 3600 - 23
        let total = traffic?.counts(sinceHour: nil) ?? [:]
        let recent = traffic?.counts(sinceHour: sinceHour) ?? [:]
        let rows: [[HTML]] = apps.map { app in
            let key = TrafficKey.hash(app.name)
            let counts = total[app.id].flatMap { $0.name == key ? $0.counts : nil }
            let errors = recent[app.id].flatMap { $0.name == key ? $0.counts.errors : nil } ?? 0
            let size = sizes.apps[app.id] ?? .zero
            return [
                "<a href=\"/admin/apps/\(URLText.component(app.name))\">\(app.name)</a>",
                "\(app.provider.rawValue)",
                "\(app.directoryName)",
                Self.state(app.enabled),
                "\(counts?.lastContactMilliseconds.map(Self.time) ?? "never")",
                "\(size.users)",
                "\(size.groups)",
                errors == 0 ? "none" : "<span class=\"error\">\(Int(errors))</span>",
            ]
        }
        let content: HTML = """
            <h1>Configured IDPs</h1>
            <div class="actions"><a href="/admin/apps/new">Add New App</a></div>
            \(Page.table(
                ["App", "Provider", "Directory", "State", "Last IdP contact", "Users", "Groups", "Errors (24 h)"], rows,
                empty: "No app yet. Add one for each identity provider that should provision users here."))
            """
        return ConsoleResponse.page(200, Page.render("Configured IDPs", visit, notice: notice(visit), content))
    }

    func newAppForm(_ visit: Visit, problem: String? = nil) throws -> ServiceResponse {
        let form = visit.form
        let directories = try store.directories()
        let providers = HTML.join(
            ProviderProfile.allCases.map {
                "<option value=\"\($0.rawValue)\"\(form["provider"] == $0.rawValue ? " selected" : "")>\($0.rawValue)</option>"
            }
        )
        let directoryOptions = HTML.join(
            directories.map { "<option value=\"\($0.name)\"\(form["directory"] == $0.name ? " selected" : "")>\($0.name)</option>" }
        )
        let content: HTML = """
            <h1>Add New App</h1>
            \(problem.map { "<p class=\"error-box\" role=\"alert\">\($0)</p>" } ?? "")
            <form method="post" action="/admin/apps" class="card">\(Page.csrf(visit))
            <label for="name">App name</label>
            <p class="hint" id="name-hint">Part of the SCIM base URL /scim/NAME/v2: letters, digits, '-', '_' and '.'.</p>
            <input type="text" id="name" name="name" value="\(form["name"])" aria-describedby="name-hint" required>
            <label for="provider">Identity provider</label>
            <select id="provider" name="provider">\(providers)</select>
            <label for="directory">Directory</label>
            <select id="directory" name="directory"><option value="">(a new directory)</option>\(directoryOptions)</select>
            <label for="new-directory">New directory name</label>
            <p class="hint" id="new-directory-hint">Only when you picked "a new directory".</p>
            <input type="text" id="new-directory" name="new-directory" value="\(form["new-directory"])" aria-describedby="new-directory-hint">
            <label for="base-url">Public URL of the web server (optional)</label>
            <p class="hint" id="base-url-hint">Such as https://scim.example.com; responses then build their URLs from it.</p>
            <input type="text" id="base-url" name="base-url" value="\(form["base-url"])" aria-describedby="base-url-hint">
            <div class="actions"><button type="submit">Create the app</button></div>
            </form>
            """
        return ConsoleResponse.page(problem == nil ? 200 : 400, Page.render("Add New App", visit, content))
    }

    /// Creates the app and its first token, and shows both once.
    func createApp(_ visit: Visit) throws -> ServiceResponse {
        let form = visit.form
        guard let provider = form["provider"].flatMap(ProviderProfile.init(rawValue:)) else {
            return try newAppForm(visit, problem: "Pick an identity provider.")
        }
        let existing = form.trimmed("directory")
        guard let directory = existing ?? form.trimmed("new-directory") else {
            return try newAppForm(visit, problem: "Pick a directory, or name a new one.")
        }
        let created: (App, IssuedToken)
        do {
            let app = try store.createApp(
                name: form["name"] ?? "",
                provider: provider,
                directoryName: directory,
                createDirectory: existing == nil,
                baseURL: form.trimmed("base-url"),
                by: visit.actor
            )
            created = (app, try store.issueToken(app: app.name, by: visit.actor))
        } catch let error as StoreError {
            return try newAppForm(visit, problem: "\(error)")
        }
        return tokenShown(visit, app: created.0, token: created.1, heading: "App \(created.0.name) is ready")
    }

    /// The base URL and a token, shown once, with copy buttons.
    private func tokenShown(_ visit: Visit, app: App, token: IssuedToken, heading: String) -> ServiceResponse {
        let content: HTML = """
            <h1>\(heading)</h1>
            <section><p>Paste both into the identity provider's SCIM settings. <strong>The token is shown only this once</strong>; ScimSync keeps only its hash.</p>
            <h2>SCIM base URL</h2><p><span class="secret" id="base-url">\(baseURL(app, visit))</span> <button type="button" class="secondary" data-copy="base-url" hidden>Copy</button></p>
            <h2>Bearer token</h2><p><span class="secret" id="token">\(token.secret)</span> <button type="button" class="secondary" data-copy="token" hidden>Copy</button></p>
            </section>
            <p><a href="/admin/apps/\(URLText.component(app.name))">Go to the app</a></p>
            """
        return ConsoleResponse.page(200, Page.render(heading, visit, content))
    }

    /// One app: its settings, tokens and actions.
    func appPage(_ visit: Visit, _ name: String, problems: [String: String] = [:], status: Int = 200) throws -> ServiceResponse {
        let app = try existingApp(name)
        let tokens = try store.tokens(app: app.name)
        let path = "/admin/apps/\(URLText.component(app.name))"
        let now = Timestamp.string(Date())
        let tokenRows: [[HTML]] = tokens.map { token in
            let state: HTML =
                if token.revokedAt != nil { "revoked \(token.revokedAt)" } else if let expires = token.expiresAt {
                    expires < now ? "expired \(expires)" : "expires \(expires)"
                } else { "<span class=\"state-on\">active</span>" }
            let revoke: HTML =
                token.revokedAt == nil && visit.canChange
                ? Page.button(
                    visit,
                    "\(path)/revoke-token",
                    "Revoke",
                    fields: [("token-id", String(token.id))],
                    danger: true,
                    confirm: "Revoke this token now?"
                ) : ""
            return ["\(token.id)", "<code>\(token.hint)</code>", "\(token.createdAt)", state, revoke]
        }
        let actions: HTML =
            visit.canChange
            ? """
            <div class="actions">
            \(Page.button(visit, "\(path)/synchronize", "Synchronize", busy: "Starting…"))
            \(app.enabled ? Page.button(visit, "\(path)/disable", "Disable", danger: true) : Page.button(visit, "\(path)/enable", "Enable"))
            \(Page.button(visit, "\(path)/rotate-token", "Rotate token"))
            \(Page.button(visit, "\(path)/delete", "Delete app", danger: true, confirm: "Delete this app, its tokens and its IdP view?"))
            </div>
            """ : ""
        let content: HTML = """
            <h1>App \(app.name)</h1>
            <section><table><tbody>
            <tr><th scope="row">Provider</th><td>\(app.provider.rawValue)</td></tr>
            <tr><th scope="row">Directory</th><td><a href="/admin/directory\(URLText.query([("directory", app.directoryName)]))">\(app.directoryName)</a></td></tr>
            <tr><th scope="row">State</th><td>\(Self.state(app.enabled))</td></tr>
            <tr><th scope="row">SCIM base URL</th><td><span id="base-url">\(baseURL(app, visit))</span> <button type="button" class="secondary" data-copy="base-url" hidden>Copy</button></td></tr>
            </tbody></table></section>
            \(actions)
            <p><a href="\(path)/user-sync">User Sync Settings</a> · <a href="\(path)/group-sync">Group Sync Settings</a> ·
            <a href="/admin/audit\(URLText.query([("app", app.name)]))">Audit log</a></p>
            \(try settingsForm(visit, app, problems: problems))
            <h2>Tokens</h2>
            \(Page.table(["Id", "Token", "Created", "State", ""], tokenRows, empty: "No token: rotate one to connect the IdP."))
            """
        return ConsoleResponse.page(status, Page.render("App \(app.name)", visit, notice: notice(visit), content))
    }

    func appAction(_ visit: Visit, _ name: String, _ action: String) throws -> ServiceResponse {
        let app = try existingApp(name)
        let path = "/admin/apps/\(URLText.component(app.name))"
        switch action {
        case "enable", "disable":
            try store.setAppEnabled(app.name, enabled: action == "enable", by: visit.actor)
            return ConsoleResponse.redirect("\(path)?notice=\(action)d")
        case "delete":
            try store.deleteApp(app.name, by: visit.actor)
            return ConsoleResponse.redirect("/admin/?notice=deleted")
        case "rotate-token":
            // A console rotation keeps the old tokens working for the admin tool's default grace period.
            let token = try store.rotateToken(app: app.name, graceMinutes: 1440, by: visit.actor)
            return tokenShown(visit, app: app, token: token, heading: "New token for \(app.name)")
        case "revoke-token":
            guard let id = visit.form["token-id"].flatMap(Int64.init) else { throw ConsoleError.badRequest("Name the token to revoke.") }
            try store.revokeTokens(app: app.name, tokenID: id, by: visit.actor)
            return ConsoleResponse.redirect("\(path)?notice=revoked")
        case "synchronize":
            return try startSynchronization(visit, app)
        case "user-sync", "group-sync":
            return try rulesPreview(visit, app, screen: action == "user-sync" ? .user : .group)
        case "rules":
            return try saveRules(visit, app)
        case "settings":
            return try saveSettings(visit, app)
        default:
            throw ConsoleError.notFound("No such action.")
        }
    }

    /// The directory changes of a synchronization or a preview.
    func changesList(_ changes: [DirectoryChange]) -> HTML {
        changesList(changes.prefix(Self.changesShown).map(\.summary), count: changes.count)
    }

    /// `count` changes, of which `summaries` are listed.
    func changesList(_ summaries: [String], count: Int) -> HTML {
        guard count > 0 else { return "<p class=\"empty\">No changes: the directory already matches the rules.</p>" }
        let items = HTML.join(summaries.prefix(Self.changesShown).map { "<li>\($0)</li>" })
        let more: HTML = count > Self.changesShown ? "<p>… and \(count - Self.changesShown) more.</p>" : ""
        return "<p>\(count) change\(count == 1 ? "" : "s"):</p><ul class=\"changes\">\(items)</ul>\(more)"
    }

    /// The most changes a page lists (the audit keeps them all).
    static let changesShown = 500

    func existingApp(_ name: String) throws -> App {
        guard let app = try store.app(named: name) else { throw ConsoleError.notFound("There is no app named \(name).") }
        return app
    }

    /// The base URL the IdP should use: the app's own, or this request's origin.
    private func baseURL(_ app: App, _ visit: Visit) -> String {
        let origin = app.baseURL ?? "\(visit.request.headers.scheme)://\(visit.request.headers.host ?? "127.0.0.1")"
        return "\(origin)/scim/\(app.name)/v2"
    }

    /// The words of a `notice=` a redirect named; a fixed set, never the request's text.
    func notice(_ visit: Visit) -> HTML? {
        switch visit.form["notice"] {
        case "enabled": "The app is enabled: its tokens are accepted."
        case "disabled": "The app is disabled: its tokens are refused until you enable it."
        case "deleted": "The app is deleted."
        case "revoked": "The token is revoked."
        case "settings": "The connection settings are saved."
        case "saved": "The rules are saved. They apply to every new IdP request; Synchronize applies them to what is already provisioned."
        default: nil
        }
    }

    static func state(_ enabled: Bool) -> HTML {
        enabled ? "<span class=\"state-on\">enabled</span>" : "<span class=\"state-off\">disabled</span>"
    }

    static func time(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}
