import DirectoryStore
import SCIM
import ScimService
import SyncRules

extension AdminConsole {
    func groupSyncForm(_ visit: Visit, _ name: String) throws -> ServiceResponse {
        let app = try existingApp(name)
        let rules = try store.rules(app: app.name).groupSync
        return groupSyncPage(visit, app, rules, rows: RulesForm.rows(rules), problems: [:])
    }

    func userSyncForm(_ visit: Visit, _ name: String) throws -> ServiceResponse {
        let app = try existingApp(name)
        return userSyncPage(visit, app, try store.rules(app: app.name).userSync, problems: [:])
    }

    /// A posted settings form: its problems beside their fields, or the preview of what a
    /// synchronization under the new rules would change, with "Save and synchronize" and "Save only".
    func rulesPreview(_ visit: Visit, _ app: App, screen: RulesForm.Screen) throws -> ServiceResponse {
        var rules = try store.rules(app: app.name)
        switch screen {
        case .group: RulesForm.applyGroupSync(visit.form, to: &rules)
        case .user: RulesForm.applyUserSync(visit.form, to: &rules)
        }
        switch RulesForm.checked(rules) {
        case .invalid(let problems):
            switch screen {
            case .group: return groupSyncPage(visit, app, rules.groupSync, rows: RulesForm.mappingRows(visit.form), problems: problems, status: 400)
            case .user: return userSyncPage(visit, app, rules.userSync, problems: problems, status: 400)
            }
        case .valid(let checked):
            let changes = try store.setRules(app: app.name, checked, dryRun: true, by: visit.actor)
            let path = "/admin/apps/\(URLText.component(app.name))"
            let content: HTML = """
                <h1>Preview: \(screen == .group ? "Group" : "User") Sync Settings of \(app.name)</h1>
                <p>Nothing is saved yet. Synchronizing under these settings would make these changes to the directory \(app.directoryName):</p>
                <section>\(changesList(changes))</section>
                <form method="post" action="\(path)/rules" class="actions" data-busy="Saving…">\(Page.csrf(visit))
                <input type="hidden" name="rules" value="\(HTML.fieldValue(JSONWriter.string(RulesDocument.json(checked))))">
                <button type="submit" name="then" value="synchronize">Save and synchronize</button>
                <button type="submit" name="then" value="save" class="secondary">Save only</button>
                <a href="\(path)/\(screen == .group ? "group-sync" : "user-sync")">Cancel</a>
                </form>
                """
            return ConsoleResponse.page(200, Page.render("Preview", visit, content))
        }
    }

    /// Saves the previewed rules (read again by the same reader), then synchronizes if asked.
    func saveRules(_ visit: Visit, _ app: App) throws -> ServiceResponse {
        let rules: AppRules
        do {
            rules = try RulesDocument.parse(visit.form["rules"] ?? "")
        } catch {
            throw ConsoleError.badRequest("The rules sent are not valid: \(error.description)")
        }
        _ = try store.setRules(app: app.name, rules, dryRun: false, by: visit.actor)
        let path = "/admin/apps/\(URLText.component(app.name))"
        guard visit.form["then"] == "synchronize" else { return ConsoleResponse.redirect("\(path)?notice=saved") }
        return try startSynchronization(visit, app)
    }

    private func groupSyncPage(
        _ visit: Visit,
        _ app: App,
        _ rules: GroupSyncRules,
        rows: [RulesForm.MappingRow],
        problems: [String: [String]],
        status: Int = 200
    ) -> ServiceResponse {
        let tableRows = (rows + Array(repeating: RulesForm.MappingRow(idpGroup: "", directoryGroups: ""), count: 3)).enumerated().map {
            index,
            row -> HTML in
            let problem = problems["mapping-\(index)"]?.joined(separator: "; ")
            return """
                <tr><td><label class="sr" for="idp-group-\(index)">IdP group \(index + 1)</label>
                <input type="text" id="idp-group-\(index)" name="idp-group" value="\(row.idpGroup)"></td>
                <td><label class="sr" for="directory-groups-\(index)">Directory groups \(index + 1)</label>
                <input type="text" id="directory-groups-\(index)" name="directory-groups" value="\(row.directoryGroups)" aria-describedby="mapping-\(index)-error">
                \(Page.fieldError(problem, id: "mapping-\(index)"))</td></tr>
                """
        }
        let content: HTML = """
            <h1>Group Sync Settings: \(app.name)</h1>
            \(general(problems))
            <form method="post" action="/admin/apps/\(URLText.component(app.name))/group-sync" class="card">\(Page.csrf(visit))
            <label for="mode">Group mapping</label>
            <select id="mode" name="mode">
            <option value="onTheFly"\(rules.mode == .onTheFly ? " selected" : "")>On the fly: each IdP group fills the directory group of its name</option>
            <option value="manual"\(rules.mode == .manual ? " selected" : "")>Manual: IdP groups fill the groups the table names</option>
            </select>
            <label class="check"><input type="checkbox" name="import-unmapped"\(rules.importUnmappedGroups ? " checked" : "")> In manual mode, also import IdP groups the table does not name</label>
            <label class="check"><input type="checkbox" name="keep-existing"\(rules.keepExistingMemberships ? " checked" : "")> Keep directory memberships an admin made</label>
            <h2>Manual mapping</h2>
            <p class="hint">One IdP group per row; its directory groups separated by commas. Leave a row empty to remove it.</p>
            <div class="scroll"><table><thead><tr><th scope="col">IdP group</th><th scope="col">Directory groups</th></tr></thead>
            <tbody>\(tableRows)</tbody></table></div>
            \(textArea("default-all", "Default groups for all users", "One directory group per line; every user of this app is in them.", rules.defaultGroupsForAllUsers, problems))
            \(textArea("default-new", "Default groups for new users", "Joined once, when this app creates a user.", rules.defaultGroupsForNewUsers, problems))
            <h2>Filters and transforms</h2>
            \(textArea("allow", "Allow (regular expressions)", "If any, only IdP groups matching one make directory changes.", rules.filter.allow, problems))
            \(textArea("deny", "Deny (regular expressions)", "IdP groups matching one make no directory changes.", rules.filter.deny, problems))
            \(textField("group-pattern", "Group name pattern", "A regular expression applied to IdP group names.", rules.nameTransform?.pattern, problems))
            \(textField("group-replacement", "Group name replacement", "$1 is the pattern's first group.", rules.nameTransform?.replacement, problems))
            <div class="actions"><button type="submit">Save…</button> <a href="/admin/apps/\(URLText.component(app.name))">Cancel</a></div>
            <p class="hint">Saving shows first what synchronizing would change.</p>
            </form>
            """
        return ConsoleResponse.page(status, Page.render("Group Sync Settings", visit, content))
    }

    private func userSyncPage(_ visit: Visit, _ app: App, _ rules: UserSyncRules, problems: [String: [String]], status: Int = 200) -> ServiceResponse
    {
        let mappingRows = HTML.join(
            DirectoryField.allCases.map { field in
                let source = rules.attributeMapping[field]
                return """
                    <tr><th scope="row">\(field.rawValue)</th>
                    <td><label class="sr" for="map-\(field.rawValue)">\(field.rawValue) from</label><input type="text" id="map-\(field.rawValue)" name="map-\(field.rawValue)" value="\(source?.path)" placeholder="default">
                    \(Page.fieldError(problems["map-\(field.rawValue)"]?.joined(separator: "; "), id: "map-\(field.rawValue)"))</td>
                    <td><label class="sr" for="fallback-\(field.rawValue)">\(field.rawValue) fallback</label><input type="text" id="fallback-\(field.rawValue)" name="fallback-\(field.rawValue)" value="\(source?.fallback)"></td></tr>
                    """
            }
        )
        func check(_ name: String, _ on: Bool, _ label: String) -> HTML {
            "<label class=\"check\"><input type=\"checkbox\" name=\"\(name)\"\(on ? " checked" : "")> \(label)</label>"
        }
        let content: HTML = """
            <h1>User Sync Settings: \(app.name)</h1>
            \(general(problems))
            <form method="post" action="/admin/apps/\(URLText.component(app.name))/user-sync" class="card">\(Page.csrf(visit))
            \(check("create-users", rules.createUsers, "Create directory users for new IdP users"))
            \(check("update-users", rules.updateUsers, "Apply IdP changes to directory users"))
            \(check("deactivate-users", rules.deactivateUsers, "Allow deactivating directory users"))
            \(check("follow-active", rules.followActive, "Follow the IdP's active flag"))
            <label for="on-delete">When the IdP deletes a user</label>
            <select id="on-delete" name="on-delete">
            <option value="deactivate"\(rules.onDelete == .deactivate ? " selected" : "")>Deactivate the directory user</option>
            <option value="delete"\(rules.onDelete == .delete ? " selected" : "")>Delete the directory user</option></select>
            <label for="existing-users">A directory user of the same name that this app does not manage</label>
            <select id="existing-users" name="existing-users">
            <option value="refuse"\(rules.existingUsers == .refuse ? " selected" : "")>Refuse the IdP user (409)</option>
            <option value="adopt"\(rules.existingUsers == .adopt ? " selected" : "")>Adopt the directory user</option></select>
            <h2>Attribute mapping</h2>
            <p class="hint">A SCIM attribute path for each directory field, such as emails[type eq "work"].value; empty: the default.</p>
            <div class="scroll"><table><thead><tr><th scope="col">Field</th><th scope="col">From</th><th scope="col">Fallback</th></tr></thead><tbody>\(mappingRows)</tbody></table></div>
            <h2>Username transform</h2>
            \(textField("username-pattern", "Username pattern", "A regular expression applied to the IdP userName.", rules.usernameTransform?.pattern, problems))
            \(textField("username-replacement", "Username replacement", "$1 is the pattern's first group.", rules.usernameTransform?.replacement, problems))
            <div class="actions"><button type="submit">Save…</button> <a href="/admin/apps/\(URLText.component(app.name))">Cancel</a></div>
            <p class="hint">Saving shows first what synchronizing would change.</p>
            </form>
            """
        return ConsoleResponse.page(status, Page.render("User Sync Settings", visit, content))
    }

    /// `aria-invalid` on a field that has problems.
    private static func invalid(_ problems: [String]?) -> HTML {
        problems == nil ? "" : " aria-invalid=\"true\""
    }

    private func general(_ problems: [String: [String]]) -> HTML {
        guard !problems.isEmpty else { return "" }
        let general = problems["general"].map { HTML.join($0.map { "<li>\($0)</li>" }) } ?? ""
        return "<div class=\"error-box\" role=\"alert\"><p>The settings were not saved: correct the fields marked below.</p><ul>\(general)</ul></div>"
    }

    private func textArea(_ id: String, _ label: String, _ hint: String, _ lines: [String], _ problems: [String: [String]]) -> HTML {
        """
        <label for="\(id)">\(label)</label><p class="hint" id="\(id)-hint">\(hint)</p>
        <textarea id="\(id)" name="\(id)" aria-describedby="\(id)-hint \(id)-error"\(Self.invalid(problems[id]))>\(lines.joined(separator: "\n"))</textarea>
        \(Page.fieldError(problems[id]?.joined(separator: "; "), id: id))
        """
    }

    private func textField(_ id: String, _ label: String, _ hint: String, _ value: String?, _ problems: [String: [String]]) -> HTML {
        """
        <label for="\(id)">\(label)</label><p class="hint" id="\(id)-hint">\(hint)</p>
        <input type="text" id="\(id)" name="\(id)" value="\(value)" aria-describedby="\(id)-hint \(id)-error"\(Self.invalid(problems[id]))>
        \(Page.fieldError(problems[id]?.joined(separator: "; "), id: id))
        """
    }
}
