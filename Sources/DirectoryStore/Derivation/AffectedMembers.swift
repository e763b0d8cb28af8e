import GRDB

/// A member id resolved within an app's IdP view.
struct ResolvedMember {
    var id: String
    var type: String
}

/// The members whose directory memberships a group change touches, so that only they are
/// re-derived: adding one member to a group of 200,000 re-derives one user.
struct AffectedMembers {
    private(set) var users: [String] = []
    private var userSet: Set<String> = []
    private(set) var groupsChanged = false
    /// The group's previous name, when the change renamed it: then every member is re-derived.
    var renamedFrom: String?

    mutating func insert(_ member: ResolvedMember) {
        if member.type == "Group" {
            groupsChanged = true
        } else if userSet.insert(member.id).inserted {
            users.append(member.id)
        }
    }

    func derive(_ deriver: Deriver, group: DirectoryStore.GroupRow) throws {
        if let renamedFrom {
            try deriver.deriveGroupEverywhere(pk: group.pk, id: group.id)
            try deriver.removeUnusedGroups(named: deriver.rules.groupSync.directoryGroups(forIdPGroup: renamedFrom))
            return
        }
        for id in users {
            try deriver.deriveMembershipsOfUser(scimID: id)
        }
        if groupsChanged { try deriver.deriveGroup(pk: group.pk) }
    }
}
