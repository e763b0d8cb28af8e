import SyncRules

/// `scimsync rules show` for people: every setting on its own line.
enum RulesText {
    static func print(_ rules: AppRules) {
        let user = rules.userSync
        let group = rules.groupSync
        let lines: [(String, String)] =
            [
                ("User sync", ""),
                ("  Create users", onOff(user.createUsers)),
                ("  Update users", onOff(user.updateUsers)),
                ("  Deactivate users", onOff(user.deactivateUsers)),
                ("  Follow the IdP's active", onOff(user.followActive)),
                ("  On IdP delete", user.onDelete.rawValue),
                ("  Existing directory users", user.existingUsers.rawValue),
            ]
            + DirectoryField.allCases.map { field in
                (
                    "  Map \(field.rawValue)",
                    user.attributeMapping[field].map { source in
                        source.path + (source.fallback.map { ", else \($0)" } ?? "")
                    } ?? "default"
                )
            } + [
                ("  Username transform", transform(user.usernameTransform)),
                ("Group sync", ""),
                ("  Mode", group.mode == .onTheFly ? "on-the-fly" : "manual"),
                ("  Default groups, new users", list(group.defaultGroupsForNewUsers)),
                ("  Default groups, all users", list(group.defaultGroupsForAllUsers)),
            ] + group.mappings.map { ("  Map IdP group \($0.idpGroup)", $0.directoryGroups.joined(separator: ", ")) } + [
                ("  Import unmapped groups", onOff(group.importUnmappedGroups)),
                ("  Keep existing memberships", onOff(group.keepExistingMemberships)),
                ("  Allow groups matching", list(group.filter.allow)),
                ("  Deny groups matching", list(group.filter.deny)),
                ("  Group name transform", transform(group.nameTransform)),
            ]
        Output.columns(lines.map { [$0.0, $0.1] })
    }

    private static func onOff(_ flag: Bool) -> String { flag ? "on" : "off" }

    private static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }

    private static func transform(_ transform: RegexTransform?) -> String {
        transform.map { "\($0.pattern) → \($0.replacement)" } ?? "none"
    }
}
