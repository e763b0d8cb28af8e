import SCIM

/// Which of an app's rules a planned membership comes from (the app is the planner's).
public enum MembershipSource: Sendable, Hashable {
    /// The IdP group whose `scim_group.pk` is `pk`.
    case idpGroup(pk: Int64)
    /// The app's default groups for all users.
    case defaultGroup
    /// The app's default groups for new users: granted once, when the user is created.
    case newUserGroup
}

/// A directory group a member belongs to by one rule.
public struct PlannedMembership: Sendable, Hashable {
    public var group: String
    public var source: MembershipSource

    public init(group: String, source: MembershipSource) {
        self.group = group
        self.source = source
    }
}

/// A protected directory group an IdP group would have filled, had a mapping row of it named it.
public struct ProtectedGroupSkip: Sendable, Hashable {
    public var idpGroup: String
    public var group: String

    public init(idpGroup: String, group: String) {
        self.idpGroup = idpGroup
        self.group = group
    }
}

/// A membership a directory user holds now, as the planner weighs it.
public struct HeldMembership: Sendable, Hashable {
    /// Who made it.
    public enum Origin: Sendable, Hashable {
        /// One of this app's rules.
        case app(MembershipSource)
        /// The admin (`scimsync group add-member`).
        case admin
    }

    /// The directory group's name.
    public var group: String
    public var origin: Origin
    /// Whether the group is protected: its admin memberships are never the rules' to remove.
    public var groupIsProtected: Bool

    public init(group: String, origin: Origin, groupIsProtected: Bool) {
        self.group = group
        self.origin = origin
        self.groupIsProtected = groupIsProtected
    }
}

/// What a user's memberships from one app must change for the rules' plan to hold.
public struct MembershipChanges: Sendable, Equatable {
    public var additions: [PlannedMembership]
    public var removals: [HeldMembership]

    public init(additions: [PlannedMembership] = [], removals: [HeldMembership] = []) {
        self.additions = additions
        self.removals = removals
    }
}

/// The memberships the rules give one directory user.
public struct UserMembershipPlan: Sendable, Equatable {
    /// Every membership the user should have from this app, each once, in the rules' order.
    public var memberships: [PlannedMembership]
    public var skips: [ProtectedGroupSkip]
    /// Whether the admin's memberships of the user (outside protected groups) are the rules' to
    /// remove: keep existing memberships is off.
    public var replacesAdminMemberships: Bool

    public init(memberships: [PlannedMembership], skips: [ProtectedGroupSkip], replacesAdminMemberships: Bool) {
        self.memberships = memberships
        self.skips = skips
        self.replacesAdminMemberships = replacesAdminMemberships
    }
}

/// The group rules' decisions about memberships, pure: the directory groups an IdP group fills,
/// and the memberships a user gets from its IdP groups and the default groups.
public enum MembershipPlanner {
    /// The directory groups the IdP group `name` fills: those the rules give it, less the protected
    /// groups its own mapping row does not name. A protected group is the admin's: an IdP group
    /// reaches it only through an explicit manual mapping, never by its name (on the fly, imported
    /// unmapped or transformed).
    public static func targets(
        ofIdPGroup name: String,
        rules: GroupSyncRules,
        isProtected: (String) throws -> Bool
    ) throws -> (groups: [String], skips: [ProtectedGroupSkip]) {
        var mapped: Set<String>?  // worked out only when a target is protected
        var skips: [ProtectedGroupSkip] = []
        let groups = try rules.directoryGroups(forIdPGroup: name).filter { target in
            guard try isProtected(target) else { return true }
            let explicit = try mapped ?? Set(rules.mappedDirectoryGroups(forIdPGroup: name).map(\.nameKey))
            mapped = explicit
            guard !explicit.contains(target.nameKey) else { return true }
            skips.append(ProtectedGroupSkip(idpGroup: name, group: target))
            return false
        }
        return (groups, skips)
    }

    /// The memberships of a directory user whose SCIM user is in `idpGroups` (by pk and name);
    /// `created` when this write creates it (its default groups for new users apply once).
    public static func user(
        idpGroups: [(pk: Int64, name: String)],
        created: Bool,
        rules: GroupSyncRules,
        isProtected: (String) throws -> Bool
    ) throws -> UserMembershipPlan {
        var plan = UserMembershipPlan(memberships: [], skips: [], replacesAdminMemberships: !rules.keepExistingMemberships)
        var seen: Set<PlannedMembership> = []
        func want(_ groups: [String], _ source: MembershipSource) {
            // One membership per folded group name and rule, kept with the name as the rules write it.
            for group in groups where seen.insert(PlannedMembership(group: group.nameKey, source: source)).inserted {
                plan.memberships.append(PlannedMembership(group: group, source: source))
            }
        }
        for idpGroup in idpGroups {
            let targets = try targets(ofIdPGroup: idpGroup.name, rules: rules, isProtected: isProtected)
            want(targets.groups, .idpGroup(pk: idpGroup.pk))
            plan.skips += targets.skips
        }
        want(rules.defaultGroupsForAllUsers, .defaultGroup)
        if created { want(rules.defaultGroupsForNewUsers, .newUserGroup) }
        return plan
    }

    /// What must change for the user to hold exactly what `plan` gives it, given what it holds
    /// (`held`: its memberships from this app and the admin's). A one-time new-user grant stays
    /// once given; the admin's memberships go only when the plan replaces them, and never from a
    /// protected group; other apps' memberships are not the planner's to see.
    public static func changes(_ plan: UserMembershipPlan, held: [HeldMembership]) -> MembershipChanges {
        let heldKeys = Set(held.map { HeldKey(group: $0.group.nameKey, origin: $0.origin) })
        let plannedKeys = Set(plan.memberships.map { HeldKey(group: $0.group.nameKey, origin: .app($0.source)) })
        let additions = plan.memberships.filter { !heldKeys.contains(HeldKey(group: $0.group.nameKey, origin: .app($0.source))) }
        let removals = held.filter { membership in
            guard !plannedKeys.contains(HeldKey(group: membership.group.nameKey, origin: membership.origin)) else { return false }
            switch membership.origin {
            case .app(.newUserGroup): return false
            case .app: return true
            case .admin: return plan.replacesAdminMemberships && !membership.groupIsProtected
            }
        }
        return MembershipChanges(additions: additions, removals: removals)
    }

    /// A membership's identity: its group by folded name, and who made it.
    private struct HeldKey: Hashable {
        var group: String
        var origin: HeldMembership.Origin
    }

    /// The group-in-group memberships an IdP group makes: each directory group of each of its IdP
    /// group members (`childTargets`) in each of its own (`parentTargets`), as (parent, child).
    /// A child's group that is also one of the parent's already holds the parent's members:
    /// nesting it in the parent's other groups would add nothing but a cycle
    /// (P→[X,Y], C→[X,Y], C∈P would make Y∈X and X∈Y).
    public static func nesting(parentTargets: [String], childTargets: [String]) -> [(parent: String, child: String)] {
        let parentKeys = Set(parentTargets.map(\.nameKey))
        var seen: Set<[String]> = []
        var pairs: [(parent: String, child: String)] = []
        for parent in parentTargets {
            for child in childTargets where !parentKeys.contains(child.nameKey) && seen.insert([parent.nameKey, child.nameKey]).inserted {
                pairs.append((parent, child))
            }
        }
        return pairs
    }

    /// Which of `candidates` (directory groups the app created) the rules no longer name, given
    /// the names of the app's remaining IdP groups: mapped and default groups stay, and so does
    /// every group an IdP group still derives. A remaining IdP group whose name the rules cannot
    /// evaluate might derive any of them, so then none goes. (The store deletes only those of
    /// them nothing uses.)
    public static func unnamedGroups(_ candidates: [String], rules: GroupSyncRules, remainingIdPGroups: [String]) -> [String] {
        var kept = Set(rules.namedGroups.map(\.nameKey))
        for idpGroup in remainingIdPGroups {
            guard let derived = try? rules.directoryGroups(forIdPGroup: idpGroup) else { return [] }
            kept.formUnion(derived.map(\.nameKey))
        }
        return candidates.filter { !kept.contains($0.nameKey) }
    }
}
