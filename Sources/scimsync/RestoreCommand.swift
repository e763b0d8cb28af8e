import ArgumentParser
import DirectoryOperations
import DirectoryStore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the whole database with a snapshot written by `scimsync backup`, while the service runs.",
        discussion: """
            FILE must pass PRAGMA integrity_check and be a ScimSync database of this
            version or an older one (which is migrated); FILE itself is not changed.
            Running responders answer from the restored data at once, and look their
            cached tokens up again. A database that already holds apps is replaced
            only with --force.
            Examples:
              scimsync restore /var/backups/scimsync/latest.sqlite
              scimsync restore latest.sqlite --force
            """
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @OptionGroup var output: OutputOptions
    @Argument(help: "The snapshot file.") var file: String
    @Flag(help: "Replace a database that already holds apps.") var force = false

    func run() throws {
        let snapshot = try global.withStore { store in
            try store.restore(from: file, by: global.actor) { apps in
                guard apps.isEmpty || force else {
                    let names = apps.map(\.name).joined(separator: ", ")
                    throw CommandFailure(
                        message: """
                            \(global.databasePath) already holds \(apps.count) app(s) (\(names)); \
                            restoring replaces all of its contents: add --force
                            """
                    )
                }
            }
        }
        try snapshot.print(json: output.json, heading: "Restored \(file) into \(global.databasePath).")
    }
}
