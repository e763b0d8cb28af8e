import DirectoryStore

extension AdminActor {
    /// The admin of the tests' admin actions.
    public static let test = AdminActor("test")
}
