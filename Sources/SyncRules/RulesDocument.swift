import SCIM

/// The JSON form of ``AppRules``: how the rules are stored, shown (`scimsync rules show --json`),
/// set from a file, and carried in configuration exports.
///
/// ```json
/// {"userSync": {"createUsers": true, "onDelete": "deactivate",
///               "attributeMapping": {"email": {"path": "emails[type eq \"work\"].value", "fallback": "mail"}},
///               "usernameTransform": {"pattern": "^([^@]+)@corp\\.com$", "replacement": "$1"}},
///  "groupSync": {"mode": "manual", "mappings": [{"idpGroup": "Eng", "directoryGroups": ["jira-users"]}]}}
/// ```
public enum RulesDocument {
    /// Reads rules, reporting every problem with its JSON Pointer below `path`.
    public static func parse(_ value: JSONValue, at path: String = "") throws(RuleProblems) -> AppRules {
        let reader = JSONReader()
        let rules = read(value, at: path, reader)
        guard reader.problems.isEmpty else { throw RuleProblems(reader.problems) }
        return rules
    }

    /// Reads rules from JSON text (the form they are stored in).
    public static func parse(_ text: String) throws(RuleProblems) -> AppRules {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw RuleProblems([RuleProblem(path: "", message: error.description)])
        }
        return try parse(value)
    }

    /// Reads rules into `reader`, which collects the problems.
    static func read(_ value: JSONValue, at path: String, _ reader: JSONReader) -> AppRules {
        guard let object = reader.object(value, at: path, keys: keys) else { return AppRules() }
        return read(object, at: path, reader)
    }

    /// The keys of a rules object.
    public static let keys = ["userSync", "groupSync"]

    /// Reads the rules keys of `object` (a document that holds rules among its own keys).
    public static func read(_ object: JSONObject, at path: String, _ reader: JSONReader) -> AppRules {
        var rules = AppRules()
        if let user = reader.present(object, "userSync") {
            rules.userSync = readUserSync(user, at: path + "/userSync", reader)
        }
        if let group = reader.present(object, "groupSync") {
            rules.groupSync = readGroupSync(group, at: path + "/groupSync", reader)
        }
        return rules
    }

    /// Every setting, defaults included, keys in a fixed order.
    public static func json(_ rules: AppRules) -> JSONValue {
        .object(JSONObject([("userSync", userSyncJSON(rules.userSync)), ("groupSync", groupSyncJSON(rules.groupSync))]))
    }

    // MARK: user sync

    private static func readUserSync(_ value: JSONValue, at path: String, _ reader: JSONReader) -> UserSyncRules {
        var rules = UserSyncRules()
        guard
            let object = reader.object(
                value,
                at: path,
                keys: [
                    "createUsers", "updateUsers", "deactivateUsers", "followActive", "onDelete", "existingUsers",
                    "attributeMapping", "usernameTransform",
                ]
            )
        else { return rules }
        rules.createUsers = reader.bool(object, "createUsers", at: path, default: rules.createUsers)
        rules.updateUsers = reader.bool(object, "updateUsers", at: path, default: rules.updateUsers)
        rules.deactivateUsers = reader.bool(object, "deactivateUsers", at: path, default: rules.deactivateUsers)
        rules.followActive = reader.bool(object, "followActive", at: path, default: rules.followActive)
        rules.onDelete = reader.choice(object, "onDelete", at: path, default: rules.onDelete)
        rules.existingUsers = reader.choice(object, "existingUsers", at: path, default: rules.existingUsers)
        if let mapping = reader.present(object, "attributeMapping") {
            rules.attributeMapping = readMapping(mapping, at: path + "/attributeMapping", reader)
        }
        if let transform = reader.present(object, "usernameTransform") {
            rules.usernameTransform = readTransform(transform, at: path + "/usernameTransform", reader)
        }
        return rules
    }

    private static func readMapping(_ value: JSONValue, at path: String, _ reader: JSONReader) -> [DirectoryField: AttributeSource] {
        guard let object = reader.object(value, at: path, keys: DirectoryField.allCases.map(\.rawValue)) else { return [:] }
        var mapping: [DirectoryField: AttributeSource] = [:]
        for field in DirectoryField.allCases {
            guard let entry = reader.present(object, field.rawValue) else { continue }
            let entryPath = path + "/" + field.rawValue
            guard let source = reader.object(entry, at: entryPath, keys: ["path", "fallback"]) else { continue }
            guard let attributePath = readAttributePath(source["path"], at: entryPath + "/path", reader) else { continue }
            let fallback = reader.present(source, "fallback").flatMap { readAttributePath($0, at: entryPath + "/fallback", reader) }
            mapping[field] = AttributeSource(path: attributePath, fallback: fallback)
        }
        return mapping
    }

    private static func readAttributePath(_ value: JSONValue?, at path: String, _ reader: JSONReader) -> String? {
        guard let value else {
            reader.problem(path, "is required")
            return nil
        }
        guard let text = reader.name(value, at: path) else { return nil }
        if let problem = AttributeSource.pathProblem(text) {
            reader.problem(path, problem)
            return nil
        }
        return text
    }

    private static func readTransform(_ value: JSONValue, at path: String, _ reader: JSONReader) -> RegexTransform? {
        guard let object = reader.object(value, at: path, keys: ["pattern", "replacement"]) else { return nil }
        let pattern = readString(object, "pattern", at: path, reader)
        let replacement = readString(object, "replacement", at: path, reader)
        guard let pattern, let replacement else { return nil }
        let transform = RegexTransform(pattern: pattern, replacement: replacement)
        if let problem = transform.problem() {
            reader.problem(path + (RegexTransform.patternProblem(pattern) == nil ? "/replacement" : "/pattern"), problem)
            return nil
        }
        return transform
    }

    private static func readString(_ object: JSONObject, _ key: String, at path: String, _ reader: JSONReader) -> String? {
        guard let value = object[key] else {
            reader.problem(path + "/" + key, "is required")
            return nil
        }
        return reader.string(value, at: path + "/" + key)
    }

    private static func userSyncJSON(_ rules: UserSyncRules) -> JSONValue {
        let mapping = DirectoryField.allCases.compactMap { field -> (String, JSONValue)? in
            guard let source = rules.attributeMapping[field] else { return nil }
            var entry: [(key: String, value: JSONValue)] = [("path", .string(source.path))]
            if let fallback = source.fallback { entry.append(("fallback", .string(fallback))) }
            return (field.rawValue, .object(JSONObject(entry)))
        }
        return .object(
            JSONObject([
                ("createUsers", .bool(rules.createUsers)),
                ("updateUsers", .bool(rules.updateUsers)),
                ("deactivateUsers", .bool(rules.deactivateUsers)),
                ("followActive", .bool(rules.followActive)),
                ("onDelete", .string(rules.onDelete.rawValue)),
                ("existingUsers", .string(rules.existingUsers.rawValue)),
                ("attributeMapping", .object(JSONObject(mapping.map { (key: $0.0, value: $0.1) }))),
                ("usernameTransform", transformJSON(rules.usernameTransform)),
            ])
        )
    }

    // MARK: group sync

    private static func readGroupSync(_ value: JSONValue, at path: String, _ reader: JSONReader) -> GroupSyncRules {
        var rules = GroupSyncRules()
        guard
            let object = reader.object(
                value,
                at: path,
                keys: [
                    "mode", "defaultGroupsForNewUsers", "defaultGroupsForAllUsers", "mappings", "importUnmappedGroups",
                    "keepExistingMemberships", "filter", "nameTransform",
                ]
            )
        else { return rules }
        rules.mode = reader.choice(object, "mode", at: path, default: rules.mode)
        rules.defaultGroupsForNewUsers = reader.names(object, "defaultGroupsForNewUsers", at: path)
        rules.defaultGroupsForAllUsers = reader.names(object, "defaultGroupsForAllUsers", at: path)
        rules.mappings = readMappings(object, at: path, reader)
        rules.importUnmappedGroups = reader.bool(object, "importUnmappedGroups", at: path, default: rules.importUnmappedGroups)
        rules.keepExistingMemberships = reader.bool(
            object,
            "keepExistingMemberships",
            at: path,
            default: rules.keepExistingMemberships
        )
        if let filter = reader.present(object, "filter"), let filterObject = reader.object(filter, at: path + "/filter", keys: ["allow", "deny"]) {
            rules.filter = GroupNameFilter(
                allow: readPatterns(filterObject, "allow", at: path + "/filter", reader),
                deny: readPatterns(filterObject, "deny", at: path + "/filter", reader)
            )
        }
        if let transform = reader.present(object, "nameTransform") {
            rules.nameTransform = readTransform(transform, at: path + "/nameTransform", reader)
        }
        return rules
    }

    private static func readMappings(_ object: JSONObject, at path: String, _ reader: JSONReader) -> [GroupSyncRules.Mapping] {
        var seen: Set<String> = []
        return reader.array(object, "mappings", at: path).compactMap { element in
            guard let entry = reader.object(element.value, at: element.path, keys: ["idpGroup", "directoryGroups"]) else { return nil }
            guard let idpValue = entry["idpGroup"] else {
                reader.problem(element.path + "/idpGroup", "is required")
                return nil
            }
            guard let idpGroup = reader.name(idpValue, at: element.path + "/idpGroup") else { return nil }
            guard seen.insert(idpGroup.nameKey).inserted else {
                reader.problem(element.path + "/idpGroup", "IdP group '\(idpGroup)' is mapped twice")
                return nil
            }
            let groups = reader.names(entry, "directoryGroups", at: element.path)
            if groups.isEmpty, reader.present(entry, "directoryGroups")?.arrayValue?.isEmpty != false {
                reader.problem(element.path + "/directoryGroups", "must name at least one directory group")
            }
            return GroupSyncRules.Mapping(idpGroup: idpGroup, directoryGroups: groups)
        }
    }

    private static func readPatterns(_ object: JSONObject, _ key: String, at path: String, _ reader: JSONReader) -> [String] {
        reader.array(object, key, at: path).compactMap { element in
            guard let pattern = reader.string(element.value, at: element.path) else { return nil }
            if let problem = RegexTransform.patternProblem(pattern) {
                reader.problem(element.path, problem)
                return nil
            }
            return pattern
        }
    }

    private static func groupSyncJSON(_ rules: GroupSyncRules) -> JSONValue {
        .object(
            JSONObject([
                ("mode", .string(rules.mode.rawValue)),
                ("defaultGroupsForNewUsers", .array(rules.defaultGroupsForNewUsers.map(JSONValue.string))),
                ("defaultGroupsForAllUsers", .array(rules.defaultGroupsForAllUsers.map(JSONValue.string))),
                (
                    "mappings",
                    .array(
                        rules.mappings.map { mapping in
                            .object(
                                JSONObject([
                                    ("idpGroup", .string(mapping.idpGroup)),
                                    ("directoryGroups", .array(mapping.directoryGroups.map(JSONValue.string))),
                                ])
                            )
                        }
                    )
                ),
                ("importUnmappedGroups", .bool(rules.importUnmappedGroups)),
                ("keepExistingMemberships", .bool(rules.keepExistingMemberships)),
                (
                    "filter",
                    .object(
                        JSONObject([
                            ("allow", .array(rules.filter.allow.map(JSONValue.string))),
                            ("deny", .array(rules.filter.deny.map(JSONValue.string))),
                        ])
                    )
                ),
                ("nameTransform", transformJSON(rules.nameTransform)),
            ])
        )
    }

    private static func transformJSON(_ transform: RegexTransform?) -> JSONValue {
        guard let transform else { return .null }
        return .object(JSONObject([("pattern", .string(transform.pattern)), ("replacement", .string(transform.replacement))]))
    }
}
