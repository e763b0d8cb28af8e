import ArgumentParser
import DirectoryStore

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Look at the directory's users.",
        subcommands: [List.self, Show.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List directory users.",
                                                        discussion: "Example: scimsync user list --directory staff")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this directory.") var directory: String?

        func run() throws {
            let users = try global.withStore { try $0.directoryUsers(directory: directory) }
            if output.json { return try Output.json(users) }
            Output.table(["DIRECTORY", "NAME", "EMAIL", "DISPLAY NAME", "ACTIVE", "FROM"],
                         users.map { [$0.directory, $0.name, $0.email ?? "", $0.displayName ?? "", $0.active ? "yes" : "no",
                                      $0.originApp ?? "local"] })
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one directory user.",
                                                        discussion: "Example: scimsync user show alice --directory staff")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user's name (case-insensitive).") var name: String
        @Option(help: "The directory, when several have a user of that name.") var directory: String?

        func run() throws {
            let users = try global.withStore { try $0.directoryUsers(named: name, directory: directory) }
            guard !users.isEmpty else { throw CommandFailure(message: "user '\(name)' does not exist") }
            if output.json { return try Output.json(users.count == 1 ? [users[0]] : users) }
            for user in users {
                print("Name:          \(user.name)")
                print("Directory:     \(user.directory)")
                print("Email:         \(user.email ?? "-")")
                print("Display name:  \(user.displayName ?? "-")")
                print("First name:    \(user.firstName ?? "-")")
                print("Last name:     \(user.lastName ?? "-")")
                print("Active:        \(user.active ? "yes" : "no")")
                print("Provisioned by: \(user.originApp ?? "local (admin)")")
                print("Created:       \(user.createdAt)")
                print("Modified:      \(user.modifiedAt)")
            }
        }
    }
}
