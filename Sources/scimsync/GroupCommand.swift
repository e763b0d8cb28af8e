import ArgumentParser
import DirectoryStore

extension DirectoryStore.MemberKind: ExpressibleByArgument {}

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Look at and manage the directory's groups and memberships.",
        subcommands: [Create.self, List.self, Members.self, AddMember.self, RemoveMember.self, Protect.self, Unprotect.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a local group.",
            discussion: "Example: scimsync group create jira-administrators --directory staff --protected"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The group's name (unique ignoring case).") var name: String
        @Option(help: "The directory.") var directory: String
        @Flag(help: "Protect it: apps fill it only through a manual mapping naming it (see `group protect`).")
        var protected = false

        func run() throws {
            let group = try global.withStore {
                try $0.createDirectoryGroup(name: name, directory: directory, protected: protected, by: global.actor)
            }
            Output.line("Created \(group.protected ? "protected " : "")group '\(group.name)' in directory '\(group.directory)'.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List directory groups.",
            discussion: "Example: scimsync group list --directory staff --json"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this directory.") var directory: String?

        func run() throws {
            let groups = try global.withStore { try $0.directoryGroups(directory: directory) }
            if output.json { return try Output.json(groups) }
            Output.table(
                ["DIRECTORY", "NAME", "MEMBERS", "FROM", "PROTECTED"],
                groups.map { [$0.directory, $0.name, String($0.memberCount), $0.originApp ?? "local", $0.protected ? "yes" : "no"] }
            )
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a group's members and where each membership came from.",
            discussion: "Example: scimsync group members jira-users --directory staff"
        )

        private struct Member: Encodable {
            var member: String
            var kind: String
            var origins: [String]
        }

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The group.") var group: String
        @Option(help: "The directory.") var directory: String

        func run() throws {
            let members = try global.withStore { try $0.directoryGroupMembers(group: group, directory: directory) }
            if output.json { return try Output.json(members.map { Member(member: $0.name, kind: $0.kind, origins: $0.origins) }) }
            Output.table(["MEMBER", "KIND", "FROM"], members.map { [$0.name, $0.kind, $0.origins.joined(separator: "; ")] })
        }
    }

    struct AddMember: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-member",
            abstract: "Add a user or a group to a group, as the admin.",
            discussion: """
                Examples:
                  scimsync group add-member admins --user alice --directory staff
                  scimsync group add-member everyone --group admins --directory staff
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The group.") var group: String
        @OptionGroup var member: MemberOptions

        func run() throws {
            let (name, kind) = try member.chosen()
            try global.withStore {
                try $0.addDirectoryMember(group: group, directory: member.directory, member: name, kind: kind, by: global.actor)
            }
            Output.line("Added \(kind.rawValue) '\(name)' to group '\(group)'.")
        }
    }

    struct RemoveMember: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member",
            abstract: "Remove a membership the admin made, or a default group a new user was given (the rules own the rest).",
            discussion: "Example: scimsync group remove-member admins --user alice --directory staff"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The group.") var group: String
        @OptionGroup var member: MemberOptions

        func run() throws {
            let (name, kind) = try member.chosen()
            try global.withStore {
                try $0.removeDirectoryMember(group: group, directory: member.directory, member: name, kind: kind, by: global.actor)
            }
            Output.line("Removed \(kind.rawValue) '\(name)' from group '\(group)'.")
        }
    }
}

/// The member of `group add-member` and `remove-member`: a user or a group of a directory.
struct MemberOptions: ParsableArguments {
    @Option(help: "The member user.") var user: String?
    @Option(help: "The member group.") var group: String?
    @Option(help: "The directory.") var directory: String

    func chosen() throws -> (String, DirectoryStore.MemberKind) {
        switch (user, group) {
        case (let user?, nil): return (user, .user)
        case (nil, let group?): return (group, .group)
        default: throw ValidationError("name the member with exactly one of --user and --group")
        }
    }
}
