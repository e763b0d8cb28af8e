import DirectoryStore
import TestSupport

@testable import AdminConsole

/// A console in-process on a fresh SQLite file with the app `okta` and the admin `ada`.
enum ConsoleFixture {
    static let password = "correct horse battery"

    static func make(settings: ConsoleSettings = ConsoleSettings()) throws -> (TemporaryDirectory, DirectoryStore, AdminConsole) {
        let temporary = try TemporaryDirectory()
        let store = try DirectoryStore(path: temporary.path("scimsync.sqlite"))
        try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: .test)
        try store.createAdmin(name: "ada", password: password, role: .admin, by: .test)
        return (temporary, store, AdminConsole(store: store, settings: settings))
    }
}
