/// One change the sync rules make to the directory view: what `scimsync sync` prints and
/// what the audit log's detail summarises.
public struct DirectoryChange: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case userCreated, userUpdated, userActivated, userDeactivated, userDeleted, userRefused
        case groupCreated, groupRenamed, groupDeleted, groupRefused
        case membershipAdded, membershipRemoved
        /// An IdP group would have filled a protected directory group that no mapping row of it names.
        case protectedGroupSkipped
    }

    public var app: String
    public var change: Kind
    public var user: String?
    public var group: String?
    public var member: String?
    /// "user" or "group", for memberships.
    public var memberKind: String?
    /// The membership's origin as the admin tool shows it, or why a user or group was refused.
    public var origin: String?
    public var fields: [String]?
    public var reason: String?
    /// The former name, for a rename.
    public var previous: String?

    init(
        app: String,
        _ change: Kind,
        user: String? = nil,
        group: String? = nil,
        member: String? = nil,
        memberKind: String? = nil,
        origin: String? = nil,
        fields: [String]? = nil,
        reason: String? = nil,
        previous: String? = nil
    ) {
        self.app = app
        self.change = change
        self.user = user
        self.group = group
        self.member = member
        self.memberKind = memberKind
        self.origin = origin
        self.fields = fields
        self.reason = reason
        self.previous = previous
    }

    /// The change in words, without the app: "user created: alice", "membership added: alice in eng (…)".
    public var summary: String {
        switch change {
        case .userCreated: "user created: \(user ?? "")"
        case .userUpdated: "user updated: \(user ?? "") (\((fields ?? []).joined(separator: ", ")))"
        case .userActivated: "user activated: \(user ?? "")"
        case .userDeactivated: "user deactivated: \(user ?? "")"
        case .userDeleted: "user deleted: \(user ?? "")"
        case .userRefused: "user refused: \(user ?? "") (\(reason ?? ""))"
        case .groupCreated: "group created: \(group ?? "")"
        case .groupRenamed: "group renamed: \(previous ?? "") to \(group ?? "")"
        case .groupDeleted: "group deleted: \(group ?? "")"
        case .groupRefused: "group refused: \(group ?? "") (\(reason ?? ""))"
        case .membershipAdded: "membership added: \(member ?? "") in \(group ?? "") (\(origin ?? ""))"
        case .membershipRemoved: "membership removed: \(member ?? "") from \(group ?? "") (\(origin ?? ""))"
        case .protectedGroupSkipped:
            "protected group skipped: \(group ?? "") (\(origin ?? ""); only a manual mapping naming the group fills it)"
        }
    }

    public var description: String { "\(app): \(summary)" }
}
