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

    /// Derives what the change touches; returns whether it queued the re-derivation of a renamed
    /// group's members instead (more than one batch of them: see ``GroupWork``).
    func derive(_ deriver: Deriver, group: DirectoryStore.GroupRow, batchSize: Int, requestID: String?) throws -> Bool {
        if let renamedFrom {
            guard try GroupWork.isLarge(deriver.db, groupPK: group.pk, appID: deriver.appID, batchSize: batchSize) else {
                try deriver.deriveGroupEverywhere(pk: group.pk, id: group.id)
                try deriver.removeUnusedGroups(named: deriver.rules.groupSync.directoryGroups(forIdPGroup: renamedFrom))
                return false
            }
            // The new name's groups are made (or refused) now; the members follow batch by batch.
            for id in users { try deriver.deriveMembershipsOfUser(scimID: id) }
            try deriver.deriveGroup(pk: group.pk)
            try deriver.deriveParents(ofGroup: group.id)
            try GroupWork.queue(deriver.db, .rederive, groupPK: group.pk, requestID: requestID)
            return true
        }
        for id in users {
            try deriver.deriveMembershipsOfUser(scimID: id)
        }
        if groupsChanged { try deriver.deriveGroup(pk: group.pk) }
        return false
    }
}
