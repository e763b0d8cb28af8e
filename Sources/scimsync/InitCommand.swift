import ArgumentParser

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database, or bring an existing one to the current schema.",
        discussion: "Example: scimsync --database /var/lib/scimsync/scimsync.sqlite init"
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }

    func run() throws {
        let applied = try global.withStore { try $0.appliedMigrations() }
        Output.line("Database \(global.databasePath) is ready (schema \(applied.last ?? "none")).")
    }
}
