import SCIM

/// How an app's IdP groups become directory groups and memberships (SPEC §5, group sync settings).
public struct GroupSyncRules: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Each IdP group fills the directory group of the same (transformed) name, created if missing.
        case onTheFly
        /// IdP groups fill the directory groups their mapping names; unmapped ones are imported only if asked.
        case manual
    }

    /// One row of the manual mapping table.
    public struct Mapping: Sendable, Equatable {
        public var idpGroup: String
        public var directoryGroups: [String]

        public init(idpGroup: String, directoryGroups: [String]) {
            self.idpGroup = idpGroup
            self.directoryGroups = directoryGroups
        }
    }

    public var mode = Mode.onTheFly
    /// Groups every user this app creates joins once, at creation.
    public var defaultGroupsForNewUsers: [String] = []
    /// Groups every user of this app is always in.
    public var defaultGroupsForAllUsers: [String] = []
    public var mappings: [Mapping] = []
    /// In manual mode, whether an IdP group without a mapping fills a directory group of its name.
    public var importUnmappedGroups = false
    /// Whether users keep directory memberships the admin made (those of other apps are always kept).
    public var keepExistingMemberships = true
    public var filter = GroupNameFilter()
    /// Applied to IdP group names that become directory group names.
    public var nameTransform: RegexTransform?

    public init() {}

    /// The directory groups an IdP group's members belong to, by name. Throws (refusing the
    /// write) when the filter's or the transform's regex cannot decide within its limits.
    public func directoryGroups(forIdPGroup name: String) throws(RuleRefusal) -> [String] {
        guard try filter.admits(name) else { return [] }
        if mode == .manual {
            if let mapping = mappings.first(where: { $0.idpGroup.nameKey == name.nameKey }) {
                return mapping.directoryGroups
            }
            guard importUnmappedGroups else { return [] }
        }
        let transformed: String
        do {
            transformed = try nameTransform?.apply(to: name) ?? name
        } catch {
            throw .regex(rule: "groupSync.nameTransform", attribute: "displayName", value: name, error)
        }
        do {
            return [try DirectoryName.validated(transformed)]
        } catch .empty {
            return []
        } catch {
            throw RuleRefusal(
                .unusableValue,
                "IdP group \(RuleRefusal.quoted(name)) becomes directory group \(RuleRefusal.quoted(transformed)), and a group name \(error)."
            )
        }
    }
}

extension GroupSyncRules {
    /// The directory groups an IdP group reaches through its row of the mapping table (manual
    /// mode, the group admitted by the filter): the only way an IdP group fills a protected group.
    public func mappedDirectoryGroups(forIdPGroup name: String) throws(RuleRefusal) -> [String] {
        guard mode == .manual, try filter.admits(name) else { return [] }
        return mappings.first(where: { $0.idpGroup.nameKey == name.nameKey })?.directoryGroups ?? []
    }

    /// The directory groups the rules name themselves: mapping targets and default groups.
    public var namedGroups: [String] {
        mappings.flatMap(\.directoryGroups) + defaultGroupsForNewUsers + defaultGroupsForAllUsers
    }
}
