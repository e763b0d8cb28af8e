import ArgumentParser
import DirectoryStore

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Settings of the whole installation.",
        subcommands: [Show.self, Set.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the settings.", discussion: "Example: scimsync settings show")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions

        func run() throws {
            let settings = try global.withStore { try $0.settings() }
            if output.json { return try Output.json(settings) }
            Output.line("audit-retention-days  \(settings.auditRetentionDays.map(String.init) ?? "none (kept for ever)")")
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a setting.",
            discussion: """
                audit-retention-days N: audit entries older than N days are deleted, at once and then
                hourly by the responder; `none` keeps them for ever.

                Example: scimsync settings set audit-retention-days 90
                """
        )

        enum Name: String, ExpressibleByArgument {
            case auditRetentionDays = "audit-retention-days"
        }

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The setting: audit-retention-days.") var name: Name
        @Argument(help: "Its value.") var value: String

        func run() throws {
            let days = value == "none" ? nil : Int(value)
            guard value == "none" || days != nil else {
                throw CommandFailure(message: "audit-retention-days takes a number of days or 'none', not '\(value)'")
            }
            try global.withStore { try $0.setAuditRetention(days: days, by: global.actor) }
            Output.line("audit-retention-days is now \(value).")
        }
    }
}
