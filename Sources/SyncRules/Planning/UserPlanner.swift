import SCIM

/// What the user planner asks of the directory, answered by the store in the write's transaction
/// (or by a test from memory). Every question concerns the app's directory and the one SCIM user
/// being planned.
public protocol UserDirectoryState {
    /// The directory user named `name`, ignoring case and normalization, if there is one.
    func user(named name: String) throws -> DirectoryUserRecord?
    /// Whether another SCIM user of this app links the directory user `id`.
    func isLinkedByAnotherUserOfThisApp(_ id: Int64) throws -> Bool
    /// Whether the app that owns `user` still links it (then that app keeps its fields).
    func ownerStillLinks(_ user: DirectoryUserRecord) throws -> Bool
}

/// What becomes of the directory user of one SCIM user.
public enum UserPlan: Sendable, Equatable {
    /// The rules make no directory user (create users is off): the SCIM user links none.
    case noUser
    case create(DirectoryUserFields)
    /// The app maintains `user`'s fields and they become `fields`; with `takingOver`, the app
    /// becomes its owner (it created or adopted it, or its owner no longer links it).
    case update(DirectoryUserRecord, to: DirectoryUserFields, takingOver: Bool)
    /// Another app that still links `user` maintains its fields: this app only links it.
    case link(DirectoryUserRecord)

    /// Whether the plan creates the directory user (its default groups for new users apply).
    public var creates: Bool {
        if case .create = self { return true }
        return false
    }
}

/// The user rules' decisions, pure: which directory user an IdP user becomes, or why the rules
/// refuse it (a SCIM error, and nothing is changed).
public enum UserPlanner {
    /// Plans the directory user of the SCIM user `resource` of app `appID`, which links `linked`
    /// (in the app's directory) now.
    public static func plan(
        appID: Int64,
        rules: UserSyncRules,
        resource: JSONObject,
        linked: DirectoryUserRecord?,
        state: some UserDirectoryState
    ) throws -> UserPlan {
        let desired = try rules.fields(for: resource)
        let userName = resource["userName"]?.stringValue ?? ""
        let target = try linked ?? adoptable(desired.username, userName: userName, appID: appID, rules: rules, state: state)
        guard let planned = rules.reconcile(existing: target?.fields, desired: desired) else { return .noUser }
        guard let target else { return .create(planned) }
        if let owner = target.ownerApp, owner != appID, try state.ownerStillLinks(target) { return .link(target) }
        if planned.username.nameKey != target.fields.username.nameKey,
            let holder = try state.user(named: planned.username), holder.id != target.id
        {
            throw RuleRefusal(
                .conflict,
                "userName \(RuleRefusal.quoted(userName)) becomes directory username '\(planned.username)', which another directory user has."
            )
        }
        return .update(target, to: planned, takingOver: target.ownerApp != appID)
    }

    /// The directory user already named `name` that this SCIM user may take over, or nil when the
    /// name is free.
    private static func adoptable(
        _ name: String,
        userName: String,
        appID: Int64,
        rules: UserSyncRules,
        state: some UserDirectoryState
    ) throws -> DirectoryUserRecord? {
        guard let holder = try state.user(named: name) else { return nil }
        if try state.isLinkedByAnotherUserOfThisApp(holder.id) {
            throw RuleRefusal(
                .conflict,
                "userName \(RuleRefusal.quoted(userName)) becomes directory username '\(name)', which another user of this app already has."
            )
        }
        // A user this app created (and kept after an IdP delete) is its own, whatever the policy.
        guard rules.existingUsers == .adopt || holder.ownerApp == appID else {
            throw RuleRefusal(
                .conflict,
                "The directory already has a user named '\(holder.fields.username)' that this app does not manage, and its rules refuse to adopt existing users; to let it, set userSync.existingUsers to \"adopt\" (scimsync rules set APP --existing-users adopt)."
            )
        }
        return holder
    }
}
