import DirectoryStore

/// The frame of every console page: head, navigation, a notice, the content.
enum Page {
    /// A signed-in page; `head` is added to its head (a refresh).
    static func render(_ title: String, _ visit: Visit, notice: HTML? = nil, head: HTML = "", _ content: HTML) -> HTML {
        let role = visit.admin.role == .readOnly ? " (read-only)" : ""
        let nav: HTML = """
            <header><nav aria-label="Main">
            <a class="brand" href="/admin/">ScimSync</a>
            <a href="/admin/">Configured IDPs</a><a href="/admin/apps/new">Add New App</a>
            <a href="/admin/directory">Directory</a><a href="/admin/audit">Audit log</a><a href="/admin/configuration">Configuration</a>
            <form method="post" action="/admin/sign-out" class="inline sign-out">\(csrf(visit))
            <span class="who">\(visit.admin.name)\(role)</span> <button type="submit">Sign out</button></form>
            </nav></header>
            """
        return document(
            title,
            head: head,
            HTML.join([nav, "<main>", notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? "", content, "</main>"])
        )
    }

    /// A page outside a session (sign-in, errors).
    static func message(title: String, _ text: String) -> HTML {
        document(title, "<main class=\"narrow\"><h1>\(title)</h1><p>\(text)</p><p><a href=\"/admin/\">Back to the console</a></p></main>")
    }

    static func document(_ title: String, head: HTML = "", _ body: HTML) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · ScimSync</title>
        <link rel="stylesheet" href="/admin/style.css">
        <script src="/admin/console.js" defer></script>\(head)
        </head><body>
        \(body)
        </body></html>
        """
    }

    /// The hidden field every form of a session carries.
    static func csrf(_ visit: Visit) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(visit.session.csrfToken)\">"
    }

    /// A one-button form posting `fields` to `action`.
    static func button(
        _ visit: Visit,
        _ action: String,
        _ label: String,
        fields: [(name: String, value: String)] = [],
        danger: Bool = false,
        confirm: String? = nil,
        busy: String? = nil
    ) -> HTML {
        let confirmation: HTML = HTML.join([
            confirm.map { " data-confirm=\"\($0)\"" } ?? "", busy.map { " data-busy=\"\($0)\"" } ?? "",
        ])
        let style: HTML = danger ? " class=\"danger\"" : ""
        let hidden = HTML.join(fields.map { "<input type=\"hidden\" name=\"\($0.name)\" value=\"\($0.value)\">" })
        return """
            <form method="post" action="\(action)" class="inline"\(confirmation)>\(csrf(visit))\(hidden)\
            <button type="submit"\(style)>\(label)</button></form>
            """
    }

    /// A field's error, beside it.
    static func fieldError(_ problem: String?, id: String) -> HTML {
        guard let problem else { return "" }
        return "<p class=\"field-error\" id=\"\(id)-error\" role=\"alert\">\(problem)</p>"
    }

    /// A table, or the words for an empty one.
    static func table(_ headings: [String], _ rows: [[HTML]], empty: String) -> HTML {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(empty)</p>" }
        let head = HTML.join(headings.map { "<th scope=\"col\">\($0)</th>" })
        let body = HTML.join(rows.map { "<tr>\(HTML.join($0.map { "<td>\($0)</td>" }))</tr>" })
        return "<div class=\"scroll\"><table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>"
    }

    /// Previous / next links for a list of `pageSize` per page.
    static func pager(_ path: String, _ query: [(String, String?)], page: Int, hasNext: Bool) -> HTML {
        var links: [HTML] = []
        if page > 1 { links.append("<a rel=\"prev\" href=\"\(path + URLText.query(query + [("page", String(page - 1))]))\">Previous</a>") }
        links.append("<span>Page \(page)</span>")
        if hasNext { links.append("<a rel=\"next\" href=\"\(path + URLText.query(query + [("page", String(page + 1))]))\">Next</a>") }
        return "<nav class=\"pager\" aria-label=\"Pages\">\(HTML.join(links))</nav>"
    }
}
