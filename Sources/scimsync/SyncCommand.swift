import ArgumentParser
import DirectoryStore

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Re-derive the directory from the stored IdP views by the current rules.",
        discussion: """
            Run it after changing an app's rules. It prints every change (users created, updated,
            activated, deactivated, deleted or refused; groups created, deleted or refused; memberships added or
            removed). Running it twice changes nothing the second time.

            Examples:
              scimsync sync --app okta-prod --dry-run
              scimsync sync --app okta-prod
              scimsync sync --json
            """
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this app (default: every app).") var app: String?
    @Flag(help: "Print the changes without making them.") var dryRun = false

    func run() throws {
        let changes = try global.withStore { try $0.synchronize(app: app, dryRun: dryRun, by: global.actor) }
        try ChangeReport.print(changes, dryRun: dryRun, json: output.json)
    }
}
