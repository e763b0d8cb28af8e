import ArgumentParser
import DirectoryStore

struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Manage Crowd clients: applications (Jira, Confluence, Jenkins…) that read the directory through the Crowd REST API.",
        subcommands: [Create.self, List.self, Show.self, RotatePassword.self, Disable.self, Enable.self, Delete.self]
    )

    /// What `create` and `rotate-password` print: the password, once.
    struct PasswordOutput: Encodable {
        var client: String
        var password: String

        func print(json: Bool) throws {
            if json { return try Output.json(self) }
            Output.line(
                """
                Crowd application name: \(client)
                Password: \(password)
                The password is shown only this once; ScimSync keeps only a slow hash of it.
                """
            )
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a Crowd client and print its password (shown only once).",
            discussion: """
                Examples:
                  scimsync client create jira --directory staff
                  scimsync client create confluence --directory staff --directory contractors --allow-address 10.0.0.0/8 --json
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The client's name: the application name the application is configured with.") var name: String
        @Option(help: "A directory the client sees; repeat for more, in lookup order (where a name is in two, the first wins).")
        var directory: [String] = []
        @Option(help: "An address range (CIDR) the client may call from; repeat for more (default: any address).")
        var allowAddress: [String] = []

        func run() throws {
            let created = try global.withStore { store in
                try store.createCrowdClient(name: name, directories: directory, allowedAddresses: allowAddress, by: global.actor)
            }
            try PasswordOutput(client: created.client.name, password: created.password).print(json: output.json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List Crowd clients.", discussion: "Example: scimsync client list --json")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions

        func run() throws {
            let clients = try global.withStore { try $0.crowdClients() }
            if output.json { return try Output.json(clients) }
            Output.table(
                ["NAME", "DIRECTORIES", "ADDRESSES", "STATE"],
                clients.map {
                    [
                        $0.name, $0.directories.joined(separator: ","),
                        $0.allowedAddresses.isEmpty ? "any" : $0.allowedAddresses.joined(separator: ","),
                        $0.enabled ? "enabled" : "disabled",
                    ]
                }
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one Crowd client.", discussion: "Example: scimsync client show jira")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The client's name.") var name: String

        func run() throws {
            let client = try global.withStore { store in
                guard let client = try store.crowdClient(named: name) else { throw StoreError.notFound("client '\(name)'") }
                return client
            }
            if output.json { return try Output.json(client) }
            Output.line(
                """
                Client:      \(client.name)
                Directories: \(client.directories.joined(separator: ", "))
                Addresses:   \(client.allowedAddresses.isEmpty ? "any" : client.allowedAddresses.joined(separator: ", "))
                State:       \(client.enabled ? "enabled" : "disabled")
                Created:     \(client.createdAt)
                """
            )
        }
    }

    struct RotatePassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-password",
            abstract: "Give the client a new password (printed once); the old one stops working at once.",
            discussion: "Example: scimsync client rotate-password jira"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The client's name.") var name: String

        func run() throws {
            let password = try global.withStore { try $0.rotateCrowdClientPassword(name, by: global.actor) }
            try PasswordOutput(client: name, password: password).print(json: output.json)
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse the client's requests until it is enabled again.",
            discussion: "Example: scimsync client disable jira"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The client's name.") var name: String

        func run() throws {
            try global.withStore { try $0.setCrowdClientEnabled(name, enabled: false, by: global.actor) }
            Output.line("Disabled client '\(name)'.")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept the client's requests again.",
            discussion: "Example: scimsync client enable jira"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The client's name.") var name: String

        func run() throws {
            try global.withStore { try $0.setCrowdClientEnabled(name, enabled: true, by: global.actor) }
            Output.line("Enabled client '\(name)'.")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a Crowd client.", discussion: "Example: scimsync client delete jira")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The client's name.") var name: String

        func run() throws {
            try global.withStore { try $0.deleteCrowdClient(name, by: global.actor) }
            Output.line("Deleted client '\(name)'.")
        }
    }
}
