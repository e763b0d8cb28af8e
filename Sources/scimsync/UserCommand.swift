import ArgumentParser
import DirectoryStore
import SyncRules

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Look at the directory's users and create local ones.",
        subcommands: [Create.self, List.self, Show.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a local user (managed by no app until one adopts it).",
            discussion: "Example: scimsync user create alice --directory staff --email alice@example.com"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The user's name (unique ignoring case).") var name: String
        @Option(help: "The directory.") var directory: String
        @Option var email: String?
        @Option var displayName: String?
        @Option var firstName: String?
        @Option var lastName: String?

        func run() throws {
            let fields = DirectoryUserFields(
                username: name,
                email: email,
                displayName: displayName,
                firstName: firstName,
                lastName: lastName
            )
            let user = try global.withStore { try $0.createLocalUser(directory: directory, fields: fields, by: global.actor) }
            Output.line("Created local user '\(user.name)' in directory '\(user.directory)'.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List directory users.",
            discussion: "Example: scimsync user list --directory staff"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this directory.") var directory: String?

        func run() throws {
            let users = try global.withStore { try $0.directoryUsers(directory: directory) }
            if output.json { return try Output.json(users) }
            Output.table(
                ["DIRECTORY", "NAME", "EMAIL", "DISPLAY NAME", "ACTIVE", "FROM"],
                users.map {
                    [
                        $0.directory, $0.name, $0.email ?? "", $0.displayName ?? "", $0.active ? "yes" : "no",
                        $0.originApp ?? "local",
                    ]
                }
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one directory user.",
            discussion: "Example: scimsync user show alice --directory staff"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user's name (case-insensitive).") var name: String
        @Option(help: "The directory, when several have a user of that name.") var directory: String?

        private struct Membership: Encodable {
            var group: String
            var origins: [String]
        }

        private struct Shown: Encodable {
            var user: DirectoryUser
            var memberships: [Membership]

            func encode(to encoder: any Encoder) throws {
                try user.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(memberships, forKey: .memberships)
            }

            private enum Key: CodingKey { case memberships }
        }

        func run() throws {
            let shown = try global.withStore { store in
                try store.directoryUsers(named: name, directory: directory).map { user in
                    Shown(
                        user: user,
                        memberships: try store.directoryUserMemberships(userID: user.id).map {
                            Membership(group: $0.name, origins: $0.origins)
                        }
                    )
                }
            }
            guard !shown.isEmpty else { throw CommandFailure(message: "user '\(name)' does not exist") }
            if output.json { return try Output.json(shown) }
            for (user, memberships) in shown.map({ ($0.user, $0.memberships) }) {
                Output.line(
                    """
                    Name:          \(user.name)
                    Directory:     \(user.directory)
                    Email:         \(user.email ?? "-")
                    Display name:  \(user.displayName ?? "-")
                    First name:    \(user.firstName ?? "-")
                    Last name:     \(user.lastName ?? "-")
                    Active:        \(user.active ? "yes" : "no")
                    Provisioned by: \(user.originApp ?? "local (admin)")
                    Created:       \(user.createdAt)
                    Modified:      \(user.modifiedAt)
                    Groups:        \(memberships.isEmpty ? "-" : "")
                    """
                )
                for membership in memberships {
                    Output.line("  \(membership.group)  (\(membership.origins.joined(separator: "; ")))")
                }
            }
        }
    }
}
