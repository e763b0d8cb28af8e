import SCIM

/// How an app's SCIM users become directory users (SPEC §5, user sync settings).
public struct UserSyncRules: Sendable, Equatable {
    /// What an IdP DELETE does to the directory user.
    public enum DeleteAction: String, Sendable, CaseIterable {
        case delete, deactivate
    }

    /// What happens when a new IdP user's directory name is held by a user this app does not manage.
    public enum ExistingUserPolicy: String, Sendable, CaseIterable {
        case adopt, refuse
    }

    /// What becomes of the directory user when the IdP deletes its user.
    public enum DeleteOutcome: Sendable, Equatable {
        case delete, deactivate, keep
    }

    public var createUsers = true
    public var updateUsers = true
    public var deactivateUsers = true
    public var followActive = true
    public var onDelete = DeleteAction.deactivate
    public var existingUsers = ExistingUserPolicy.refuse
    /// Overrides of the default mapping, by field.
    public var attributeMapping: [DirectoryField: AttributeSource] = [:]
    public var usernameTransform: RegexTransform?

    public init() {}

    /// The directory fields the IdP's user asks for: the mapping, then the username transform.
    ///
    /// A username that comes out empty is refused, as the directory cannot hold it, and so is a
    /// username the transform's regex cannot produce within its limits.
    public func fields(for resource: JSONObject) throws(RuleRefusal) -> DirectoryUserFields {
        let userName = value(.username, in: resource) ?? ""
        let source = attributeMapping[.username]?.path ?? "userName"
        let username: String
        do {
            username = try usernameTransform?.apply(to: userName) ?? userName
        } catch {
            throw .regex(rule: "userSync.usernameTransform", attribute: source, value: userName, error)
        }
        let checked: String
        do {
            checked = try DirectoryName.validated(username)
        } catch .empty {
            throw RuleRefusal(.unusableValue, "The sync rules make an empty directory username from \(source) \(RuleRefusal.quoted(userName)).")
        } catch {
            throw RuleRefusal(
                .unusableValue,
                "The sync rules make directory username \(RuleRefusal.quoted(username)) from \(source) \(RuleRefusal.quoted(userName)): a username \(error)."
            )
        }
        return DirectoryUserFields(
            username: checked,
            email: value(.email, in: resource),
            displayName: value(.displayName, in: resource),
            firstName: value(.firstName, in: resource),
            lastName: value(.lastName, in: resource),
            active: resource["active"]?.boolValue ?? true
        )
    }

    /// What the directory user becomes: `existing` is its current state (nil when there is none),
    /// `desired` what the IdP asks for. Nil means no directory user is created.
    public func reconcile(existing: DirectoryUserFields?, desired: DirectoryUserFields) -> DirectoryUserFields? {
        guard let existing else {
            guard createUsers else { return nil }
            var created = desired
            created.active = followActive && deactivateUsers ? desired.active : true
            return created
        }
        var result = updateUsers ? desired : existing
        result.active = nextActive(current: existing.active, requested: desired.active)
        return result
    }

    public var deleteOutcome: DeleteOutcome {
        switch onDelete {
        case .delete: .delete
        case .deactivate: deactivateUsers ? .deactivate : .keep
        }
    }

    /// Following the IdP's `active` activates always, and deactivates only where deactivation is allowed.
    private func nextActive(current: Bool, requested: Bool) -> Bool {
        guard followActive else { return current }
        if requested { return true }
        return deactivateUsers ? false : current
    }

    private func value(_ field: DirectoryField, in resource: JSONObject) -> String? {
        if let source = attributeMapping[field] { return source.value(in: resource) }
        return DefaultMapping.value(field, in: resource)
    }
}
