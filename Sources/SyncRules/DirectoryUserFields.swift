/// The fields of a directory user that the sync rules derive from an IdP's SCIM user.
public struct DirectoryUserFields: Sendable, Equatable {
    public var username: String
    public var email: String?
    public var displayName: String?
    public var firstName: String?
    public var lastName: String?
    public var active: Bool

    public init(
        username: String,
        email: String? = nil,
        displayName: String? = nil,
        firstName: String? = nil,
        lastName: String? = nil,
        active: Bool = true
    ) {
        self.username = username
        self.email = email
        self.displayName = displayName
        self.firstName = firstName
        self.lastName = lastName
        self.active = active
    }
}
