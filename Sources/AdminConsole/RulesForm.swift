import Foundation
import SCIM
import SyncRules

/// The User Sync and Group Sync forms as rules: the form's fields become an ``AppRules`` the
/// same way `scimsync rules set` options do, and the rules are checked by the same reader
/// (``RulesDocument``), whose problems name JSON paths; ``fieldID(forProblemAt:)`` puts each
/// beside its field.
enum RulesForm {
    enum Screen {
        case user, group
    }

    /// One row of the manual mapping table, as typed.
    struct MappingRow: Equatable {
        var idpGroup: String
        var directoryGroups: String
    }

    /// `rules` with the group sync settings the form names.
    static func applyGroupSync(_ form: FormData, to rules: inout AppRules) {
        var group = rules.groupSync
        group.mode = form["mode"] == "manual" ? .manual : .onTheFly
        group.importUnmappedGroups = form.isChecked("import-unmapped")
        group.keepExistingMemberships = form.isChecked("keep-existing")
        group.mappings = mappingRows(form).map { Self.mapping($0) }
        group.defaultGroupsForAllUsers = lines(form["default-all"])
        group.defaultGroupsForNewUsers = lines(form["default-new"])
        group.filter = GroupNameFilter(allow: lines(form["allow"]), deny: lines(form["deny"]))
        group.nameTransform = transform(form["group-pattern"], form["group-replacement"])
        rules.groupSync = group
    }

    /// `rules` with the user sync settings the form names.
    static func applyUserSync(_ form: FormData, to rules: inout AppRules) {
        var user = rules.userSync
        user.createUsers = form.isChecked("create-users")
        user.updateUsers = form.isChecked("update-users")
        user.deactivateUsers = form.isChecked("deactivate-users")
        user.followActive = form.isChecked("follow-active")
        user.onDelete = form["on-delete"].flatMap(UserSyncRules.DeleteAction.init(rawValue:)) ?? user.onDelete
        user.existingUsers = form["existing-users"].flatMap(UserSyncRules.ExistingUserPolicy.init(rawValue:)) ?? user.existingUsers
        var mapping: [DirectoryField: AttributeSource] = [:]
        for field in DirectoryField.allCases {
            guard let path = form.trimmed("map-\(field.rawValue)") else { continue }
            mapping[field] = AttributeSource(path: path, fallback: form.trimmed("fallback-\(field.rawValue)"))
        }
        user.attributeMapping = mapping
        user.usernameTransform = transform(form["username-pattern"], form["username-replacement"])
        rules.userSync = user
    }

    /// What the rules reader made of a form.
    enum Checked {
        case valid(AppRules)
        /// Field id → its problems.
        case invalid([String: [String]])
    }

    /// The rules if the reader takes them, or every problem by the form field it concerns.
    static func checked(_ rules: AppRules) -> Checked {
        do {
            return .valid(try RulesDocument.parse(RulesDocument.json(rules)))
        } catch {
            var problems: [String: [String]] = [:]
            for problem in error.problems { problems[fieldID(forProblemAt: problem.path), default: []].append(problem.message) }
            return .invalid(problems)
        }
    }

    /// The id of the form field a rules document path belongs to (`/groupSync/mappings/2/idpGroup`
    /// → `mapping-2`); `general` for one no field holds.
    static func fieldID(forProblemAt path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { return "general" }
        switch (parts[0], parts[1]) {
        case ("groupSync", "mappings"): return parts.count >= 3 ? "mapping-\(parts[2])" : "mappings"
        case ("groupSync", "filter"): return parts.count >= 3 ? parts[2] : "allow"
        case ("groupSync", "nameTransform"): return "group-pattern"
        case ("groupSync", "defaultGroupsForAllUsers"): return "default-all"
        case ("groupSync", "defaultGroupsForNewUsers"): return "default-new"
        case ("userSync", "usernameTransform"): return "username-pattern"
        case ("userSync", "attributeMapping"): return parts.count >= 3 ? "map-\(parts[2])" : "general"
        default: return "general"
        }
    }

    /// The mapping table's filled rows (`idp-group` and `directory-groups` fields, pairwise).
    static func mappingRows(_ form: FormData) -> [MappingRow] {
        let idp = form.all("idp-group")
        let directory = form.all("directory-groups")
        return idp.indices.compactMap { index in
            let row = MappingRow(
                idpGroup: idp[index].trimmingCharacters(in: .whitespaces),
                directoryGroups: index < directory.count ? directory[index] : ""
            )
            return row.idpGroup.isEmpty && row.directoryGroups.trimmingCharacters(in: .whitespaces).isEmpty ? nil : row
        }
    }

    static func rows(_ rules: GroupSyncRules) -> [MappingRow] {
        rules.mappings.map { MappingRow(idpGroup: $0.idpGroup, directoryGroups: $0.directoryGroups.joined(separator: ", ")) }
    }

    private static func mapping(_ row: MappingRow) -> GroupSyncRules.Mapping {
        GroupSyncRules.Mapping(
            idpGroup: row.idpGroup,
            directoryGroups: row.directoryGroups.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        )
    }

    /// A text area's non-blank lines, trimmed.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A transform when a pattern is given; the replacement may be empty.
    private static func transform(_ pattern: String?, _ replacement: String?) -> RegexTransform? {
        guard let pattern, !pattern.isEmpty else { return nil }
        return RegexTransform(pattern: pattern, replacement: replacement ?? "")
    }
}
