/// A directory user as the rules see it: its id, its fields and the app that maintains them.
public struct DirectoryUserRecord: Sendable, Equatable {
    public var id: Int64
    public var fields: DirectoryUserFields
    /// The app that maintains the user's fields: the one that created or adopted it (nil for a
    /// local user, or when that app is gone).
    public var ownerApp: Int64?

    public init(id: Int64, fields: DirectoryUserFields, ownerApp: Int64?) {
        self.id = id
        self.fields = fields
        self.ownerApp = ownerApp
    }
}
