import ArgumentParser

struct DirectoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "Create, rename and list directories.",
        subcommands: [Create.self, Rename.self, List.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a directory (names are unique ignoring case).",
            discussion: "Example: scimsync directory create staff"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The directory's name.") var name: String

        func run() throws {
            let directory = try global.withStore { try $0.createDirectory(name: name, by: global.actor) }
            Output.line("Created directory '\(directory.name)'.")
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a directory; its users, groups and apps stay with it.",
            discussion: "Example: scimsync directory rename staff employees"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The directory's current name.") var name: String
        @Argument(help: "Its new name.") var newName: String

        func run() throws {
            try global.withStore { try $0.renameDirectory(name, to: newName, by: global.actor) }
            Output.line("Renamed directory '\(name)' to '\(newName)'.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List directories.",
            discussion: "Example: scimsync directory list --json"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions

        func run() throws {
            let directories = try global.withStore { try $0.directories() }
            if output.json { return try Output.json(directories) }
            Output.table(["NAME", "CREATED"], directories.map { [$0.name, $0.createdAt] })
        }
    }
}
