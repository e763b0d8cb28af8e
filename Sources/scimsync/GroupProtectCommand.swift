import ArgumentParser
import DirectoryStore

extension GroupCommand {
    struct Protect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Protect a group: apps fill it only through a manual mapping naming it.",
            discussion: """
                An IdP group of the same name (on the fly, imported unmapped, or after a name
                transform) no longer makes or keeps members in it; a mapping row naming it as a
                directory group, or a default group, still does. Takes effect at once: it prints the
                memberships the apps lose, as `scimsync sync` prints changes (--json: the same
                document). The admin's own memberships are never touched.

                Example: scimsync group protect jira-administrators --directory staff
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The group.") var group: String
        @Option(help: "The directory.") var directory: String

        func run() throws {
            let changes = try global.withStore { try $0.setGroupProtected(true, group: group, directory: directory, by: global.actor) }
            try ChangeReport.print(changes, dryRun: false, json: output.json)
            if !output.json { Output.line("Group '\(group)' in directory '\(directory)' is protected.") }
        }
    }

    struct Unprotect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a group's protection: apps' rules may fill it by name again.",
            discussion: """
                No membership changes at once: preview with `scimsync sync --dry-run`, then run
                `scimsync sync` (or wait for the IdPs' next writes).

                Example: scimsync group unprotect jira-administrators --directory staff
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The group.") var group: String
        @Option(help: "The directory.") var directory: String

        func run() throws {
            _ = try global.withStore { try $0.setGroupProtected(false, group: group, directory: directory, by: global.actor) }
            Output.line("Group '\(group)' in directory '\(directory)' is no longer protected.")
            Output.line("Run `scimsync sync --dry-run` to see what the apps' rules would add to it.")
        }
    }
}
