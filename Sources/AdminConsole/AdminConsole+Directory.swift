import DirectoryStore
import Foundation
import ScimService

extension AdminConsole {
    /// Rows per page of the directory and audit lists.
    static let pageSize = 50
    /// The highest page number taken (50 million rows in): a larger one is read as this one, so
    /// `page × pageSize` can never overflow (a trap would stop the whole responder).
    static let maxPage = 1_000_000

    /// The `page` a list was asked for, 1 to ``maxPage``; 1 when absent or not a number.
    static func page(_ form: FormData) -> Int {
        min(max(1, form["page"].flatMap(Int.init) ?? 1), maxPage)
    }

    /// The directory's users: search by name, paging, where each came from and its memberships
    /// with their origins.
    func directoryUsers(_ visit: Visit) throws -> ServiceResponse {
        let directories = try store.directories()
        let directory = visit.form.trimmed("directory") ?? directories.first?.name
        let search = visit.form.trimmed("q")
        let page = Self.page(visit.form)
        let found = try directory.map {
            try store.directoryUsers(directory: $0, search: search, offset: (page - 1) * Self.pageSize, limit: Self.pageSize)
        }
        let total = found?.total ?? 0
        let rows: [[HTML]] = try (found?.users ?? []).map { user in
            let memberships = try store.directoryUserMemberships(userID: user.id)
            let list: HTML =
                memberships.isEmpty
                ? "<span class=\"empty\">none</span>"
                : "<ul>\(HTML.join(memberships.map { "<li>\($0.name) <span class=\"hint\">(\($0.origins.joined(separator: "; ")))</span></li>" }))</ul>"
            return [
                "\(user.name)", "\(user.email)", "\(user.displayName)", user.active ? "active" : "<span class=\"state-off\">inactive</span>",
                "\(user.originApp.map { "app \($0)" } ?? "local")", list,
            ]
        }
        let query: [(String, String?)] = [("directory", directory), ("q", search)]
        let content: HTML = """
            <h1>Directory users</h1>
            \(directoryFilter("/admin/directory", directories, directory, search, searchLabel: "Search users"))
            <p><a href="/admin/directory/groups\(URLText.query([("directory", directory)]))">Groups of this directory</a></p>
            <p>\(total) user\(total == 1 ? "" : "s")\(search == nil ? "" : " found").</p>
            \(Page.table(["User", "Email", "Display name", "State", "Came from", "Memberships (origin)"], rows,
                empty: directory == nil ? "There is no directory yet: adding an app creates one." : "No user here yet. Users appear when an IdP provisions them."))
            \(Page.pager("/admin/directory", query, page: page, hasNext: total > page * Self.pageSize))
            """
        return ConsoleResponse.page(200, Page.render("Directory users", visit, content))
    }

    /// The directory's groups and their members.
    func directoryGroups(_ visit: Visit) throws -> ServiceResponse {
        let directories = try store.directories()
        let directory = visit.form.trimmed("directory") ?? directories.first?.name
        let search = visit.form.trimmed("q")
        let page = Self.page(visit.form)
        var groups = try directory.map { try store.directoryGroups(directory: $0) } ?? []
        if let search {
            let key = search.lowercased()
            groups = groups.filter { $0.name.lowercased().contains(key) }
        }
        let shown = groups.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize)
        let rows: [[HTML]] = try shown.map { group in
            let members = try store.directoryGroupMembers(group: group.name, directory: group.directory)
            let more: HTML = members.count > 20 ? "<p class=\"hint\">… and \(members.count - 20) more</p>" : ""
            let list: HTML =
                members.isEmpty
                ? "<span class=\"empty\">no members</span>"
                : "<ul>\(HTML.join(members.prefix(20).map { "<li>\($0.name) <span class=\"hint\">(\($0.kind); \($0.origins.joined(separator: "; ")))</span></li>" }))</ul>\(more)"
            return [
                "\(group.name)", "\(group.memberCount)", "\(group.originApp.map { "app \($0)" } ?? "admin")", group.protected ? "protected" : "",
                list,
            ]
        }
        let query: [(String, String?)] = [("directory", directory), ("q", search)]
        let content: HTML = """
            <h1>Directory groups</h1>
            \(directoryFilter("/admin/directory/groups", directories, directory, search, searchLabel: "Search groups"))
            <p><a href="/admin/directory\(URLText.query([("directory", directory)]))">Users of this directory</a></p>
            \(Page.table(["Group", "Members", "Made by", "Protection", "Members (origin)"], rows, empty: "No group here yet."))
            \(Page.pager("/admin/directory/groups", query, page: page, hasNext: groups.count > page * Self.pageSize))
            """
        return ConsoleResponse.page(200, Page.render("Directory groups", visit, content))
    }

    private func directoryFilter(_ path: String, _ directories: [Directory], _ current: String?, _ search: String?, searchLabel: String) -> HTML {
        let options = HTML.join(directories.map { "<option value=\"\($0.name)\"\($0.name == current ? " selected" : "")>\($0.name)</option>" })
        return """
            <form method="get" action="\(path)" class="filters card">
            <div><label for="directory">Directory</label><select id="directory" name="directory">\(options)</select></div>
            <div><label for="q">\(searchLabel)</label><input type="search" id="q" name="q" value="\(search)"></div>
            <div><button type="submit">Show</button></div>
            </form>
            """
    }

    /// The audit log, newest first, by app, time, user and outcome, paged.
    func audit(_ visit: Visit) throws -> ServiceResponse {
        let form = visit.form
        let page = Self.page(form)
        let since = form.trimmed("since")
        var sinceDate: Date?
        var problem: HTML = ""
        if let since {
            sinceDate = AuditQuery.instant(since)
            if sinceDate == nil {
                problem =
                    "<p class=\"field-error\" role=\"alert\">'\(since)' is neither a time such as 2026-11-01T00:00:00Z nor a duration such as 24h.</p>"
            }
        }
        let outcome = form.trimmed("outcome")
        var auditQuery = AuditQuery(app: form.trimmed("app"), since: sinceDate, user: form.trimmed("user"), actor: form.trimmed("actor"))
        auditQuery.outcome = outcome
        auditQuery.offset = (page - 1) * Self.pageSize
        // One entry past the page tells whether there is a next one.
        auditQuery.limit = Self.pageSize + 1
        let entries = try store.auditEntries(auditQuery)
        let rows: [[HTML]] = entries.prefix(Self.pageSize).map {
            [
                "\($0.at)", "\($0.app ?? "-")", "\($0.actor ?? "IdP")", "\($0.operation)", "\($0.target)",
                $0.outcome == "ok" ? "ok" : "<span class=\"error\">\($0.outcome)</span>", "\($0.detail ?? "")",
            ]
        }
        let apps = try store.apps()
        let appOptions = HTML.join(apps.map { "<option value=\"\($0.name)\"\(form["app"] == $0.name ? " selected" : "")>\($0.name)</option>" })
        let outcomes = HTML.join(["ok", "refused"].map { "<option value=\"\($0)\"\(outcome == $0 ? " selected" : "")>\($0)</option>" })
        let query: [(String, String?)] = [
            ("app", form.trimmed("app")), ("since", since), ("user", form.trimmed("user")), ("actor", form.trimmed("actor")), ("outcome", outcome),
        ]
        let content: HTML = """
            <h1>Audit log</h1>
            <form method="get" action="/admin/audit" class="filters card">
            <div><label for="app">App</label><select id="app" name="app"><option value="">every app</option>\(appOptions)</select></div>
            <div><label for="since">Since</label><input type="text" id="since" name="since" value="\(since)" placeholder="24h or 2026-11-01T00:00:00Z"></div>
            <div><label for="user">User</label><input type="text" id="user" name="user" value="\(form["user"])" placeholder="userName or SCIM id"></div>
            <div><label for="actor">Admin</label><input type="text" id="actor" name="actor" value="\(form["actor"])"></div>
            <div><label for="outcome">Outcome</label><select id="outcome" name="outcome"><option value="">any</option>\(outcomes)</select></div>
            <div><button type="submit">Filter</button></div>
            </form>\(problem)
            \(Page.table(["Time", "App", "By", "Operation", "Target", "Outcome", "Detail"], rows, empty: "No entry matches these filters."))
            \(Page.pager("/admin/audit", query, page: page, hasNext: entries.count > Self.pageSize))
            """
        return ConsoleResponse.page(200, Page.render("Audit log", visit, content))
    }
}
