import ArgumentParser
import Foundation
import SCIM
import SyncRules

/// `on` or `off`, as the rules options take them.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
    var isOn: Bool { self == .on }
}

extension UserSyncRules.DeleteAction: ExpressibleByArgument {}
extension UserSyncRules.ExistingUserPolicy: ExpressibleByArgument {}

extension GroupSyncRules.Mode: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "on-the-fly", "onthefly": self = .onTheFly
        case "manual": self = .manual
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["on-the-fly", "manual"] }
}

/// The options of `scimsync rules set`: each changes one setting; absent ones change nothing.
struct RulesEdit: ParsableArguments {
    @Option(help: "A whole rules document (as `rules show --json` prints it), applied before the other options.")
    var file: String?

    @Option(help: "Create directory users for new IdP users.") var createUsers: Switch?
    @Option(help: "Apply IdP changes to directory users.") var updateUsers: Switch?
    @Option(help: "Allow deactivating directory users.") var deactivateUsers: Switch?
    @Option(help: "Follow the IdP's active flag.") var followActive: Switch?
    @Option(help: "What an IdP DELETE does: delete or deactivate.") var onDelete: UserSyncRules.DeleteAction?
    @Option(help: "A directory user of the same name not managed by this app: adopt or refuse.")
    var existingUsers: UserSyncRules.ExistingUserPolicy?
    @Option(
        help: ArgumentHelp(
            "Map a directory field (username, email, displayName, firstName, lastName) to a SCIM path, with an optional fallback.",
            valueName: "field=path[,fallback]"
        )
    )
    var map: [String] = []
    @Option(help: "Return a field to its default mapping.") var unmap: [String] = []
    @Option(help: "Regular expression applied to the IdP userName.") var usernamePattern: String?
    @Option(help: "Replacement for --username-pattern ($1 is the first group).") var usernameReplacement: String?
    @Flag(help: "Remove the username transform.") var noUsernameTransform = false

    @Option(help: "Group mapping mode: on-the-fly or manual.") var groupMode: GroupSyncRules.Mode?
    @Option(help: "In manual mode, import IdP groups that have no mapping.") var importUnmapped: Switch?
    @Option(help: "Keep directory memberships the admin made.") var keepExisting: Switch?
    @Option(help: ArgumentHelp("Map an IdP group to directory groups (replaces its row).", valueName: "idp-group=group[,group…]"))
    var mapGroup: [String] = []
    @Option(help: "Remove an IdP group's mapping.") var unmapGroup: [String] = []
    @Option(help: "Only IdP groups matching one of these regular expressions make directory changes.") var allowGroup: [String] = []
    @Option(help: "IdP groups matching one of these regular expressions make no directory changes.") var denyGroup: [String] = []
    @Flag(help: "Remove every allow and deny expression.") var clearGroupFilter = false
    @Option(help: "Regular expression applied to IdP group names.") var groupPattern: String?
    @Option(help: "Replacement for --group-pattern.") var groupReplacement: String?
    @Flag(help: "Remove the group name transform.") var noGroupTransform = false
    @Option(help: "A default group for users this app creates.") var defaultGroupNew: [String] = []
    @Option(help: "A default group for every user of this app.") var defaultGroupAll: [String] = []
    @Flag(help: "Remove every default group.") var clearDefaultGroups = false

    func apply(to rules: inout AppRules) throws {
        if let file { rules = try Self.read(file) }
        try applyUserSync(to: &rules.userSync)
        try applyGroupSync(to: &rules.groupSync)
    }

    /// The rules, checked as the stored document is: a problem is named by its JSON path.
    static func validated(_ rules: AppRules) throws -> AppRules {
        do {
            return try RulesDocument.parse(RulesDocument.json(rules))
        } catch {
            throw CommandFailure(message: "invalid rules:\(eachOnALine: error.problems)")
        }
    }

    private func applyUserSync(to rules: inout UserSyncRules) throws {
        if let createUsers { rules.createUsers = createUsers.isOn }
        if let updateUsers { rules.updateUsers = updateUsers.isOn }
        if let deactivateUsers { rules.deactivateUsers = deactivateUsers.isOn }
        if let followActive { rules.followActive = followActive.isOn }
        if let onDelete { rules.onDelete = onDelete }
        if let existingUsers { rules.existingUsers = existingUsers }
        for entry in map {
            let (field, source) = try Self.mapping(entry)
            rules.attributeMapping[field] = source
        }
        for name in unmap { rules.attributeMapping[try Self.field(name)] = nil }
        if noUsernameTransform { rules.usernameTransform = nil }
        rules.usernameTransform = try Self.transform(
            usernamePattern,
            usernameReplacement,
            current: rules.usernameTransform,
            option: "username"
        )
    }

    private func applyGroupSync(to rules: inout GroupSyncRules) throws {
        if let groupMode { rules.mode = groupMode }
        if let importUnmapped { rules.importUnmappedGroups = importUnmapped.isOn }
        if let keepExisting { rules.keepExistingMemberships = keepExisting.isOn }
        for entry in mapGroup {
            let mapping = try Self.groupMapping(entry)
            if let row = rules.mappings.firstIndex(where: { $0.idpGroup.nameKey == mapping.idpGroup.nameKey }) {
                rules.mappings[row] = mapping
            } else {
                rules.mappings.append(mapping)
            }
        }
        for name in unmapGroup {
            guard rules.mappings.contains(where: { $0.idpGroup.nameKey == name.nameKey }) else {
                throw CommandFailure(message: "--unmap-group: IdP group '\(name)' has no mapping")
            }
            rules.mappings.removeAll { $0.idpGroup.nameKey == name.nameKey }
        }
        if clearGroupFilter { rules.filter = GroupNameFilter() }
        rules.filter.allow += allowGroup
        rules.filter.deny += denyGroup
        if noGroupTransform { rules.nameTransform = nil }
        rules.nameTransform = try Self.transform(groupPattern, groupReplacement, current: rules.nameTransform, option: "group")
        if clearDefaultGroups {
            rules.defaultGroupsForNewUsers = []
            rules.defaultGroupsForAllUsers = []
        }
        rules.defaultGroupsForNewUsers += defaultGroupNew.filter { !rules.defaultGroupsForNewUsers.contains($0) }
        rules.defaultGroupsForAllUsers += defaultGroupAll.filter { !rules.defaultGroupsForAllUsers.contains($0) }
    }

    private static func read(_ path: String) throws -> AppRules {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure(message: "cannot read \(path)") }
        do {
            return try RulesDocument.parse(try JSONParser.parse(Array(data)))
        } catch let error as RuleProblems {
            throw CommandFailure(message: "\(path) holds invalid rules:\(eachOnALine: error.problems)")
        } catch {
            throw CommandFailure(message: "\(path) is not JSON: \(String(describing: error))")
        }
    }

    private static func mapping(_ entry: String) throws -> (DirectoryField, AttributeSource) {
        guard let equals = entry.firstIndex(of: "=") else {
            throw CommandFailure(message: "--map \(entry): expected field=path[,fallback]")
        }
        let field = try field(String(entry[..<equals]))
        let paths = entry[entry.index(after: equals)...].split(separator: ",", maxSplits: 1).map(String.init)
        guard let path = paths.first else { throw CommandFailure(message: "--map \(entry): the SCIM path is missing") }
        return (field, AttributeSource(path: path, fallback: paths.count > 1 ? paths[1] : nil))
    }

    private static func field(_ name: String) throws -> DirectoryField {
        guard let field = DirectoryField(rawValue: name) else {
            throw CommandFailure(
                message: "'\(name)' is not a directory field (one of: \(DirectoryField.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return field
    }

    private static func groupMapping(_ entry: String) throws -> GroupSyncRules.Mapping {
        guard let equals = entry.lastIndex(of: "=") else {
            throw CommandFailure(message: "--map-group \(entry): expected idp-group=group[,group…]")
        }
        let groups = entry[entry.index(after: equals)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return GroupSyncRules.Mapping(idpGroup: String(entry[..<equals]), directoryGroups: groups)
    }

    /// A pattern needs a replacement unless the transform it changes already has one.
    private static func transform(
        _ pattern: String?,
        _ replacement: String?,
        current: RegexTransform?,
        option: String
    ) throws -> RegexTransform? {
        guard pattern != nil || replacement != nil else { return current }
        guard let pattern = pattern ?? current?.pattern, let replacement = replacement ?? current?.replacement else {
            throw CommandFailure(message: "--\(option)-pattern and --\(option)-replacement go together")
        }
        return RegexTransform(pattern: pattern, replacement: replacement)
    }
}
