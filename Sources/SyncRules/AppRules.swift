import SCIM

/// An app's sync rules: how its IdP view becomes the directory view. Stored as JSON (see
/// ``RulesDocument``); a missing key takes its default, so `{}` is the default rules.
public struct AppRules: Sendable, Equatable {
    public var userSync = UserSyncRules()
    public var groupSync = GroupSyncRules()

    public init(userSync: UserSyncRules = UserSyncRules(), groupSync: GroupSyncRules = GroupSyncRules()) {
        self.userSync = userSync
        self.groupSync = groupSync
    }
}
