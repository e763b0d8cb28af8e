import ArgumentParser
import DirectoryOperations
import DirectoryStore
import Foundation

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent snapshot of the whole database to a new file, while the service runs.",
        discussion: """
            SQLite's online backup API copies the database as of one instant, while
            responders go on serving. The copy is checked (PRAGMA integrity_check) and
            synced to disk before it is renamed to FILE.
            Put it back with `scimsync restore FILE`.
            Examples:
              scimsync backup --output /var/backups/scimsync/2026-11-02.sqlite
              scimsync backup --output latest.sqlite --force --json
            """
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("output"), help: ArgumentHelp("The snapshot file to write.", valueName: "FILE"))
    var file: String
    @Flag(help: "Replace FILE if it exists.") var force = false

    func run() throws {
        let files = FileManager.default
        // Opening a missing database would create an empty one, and back that up.
        guard files.fileExists(atPath: global.databasePath) else {
            throw CommandFailure(message: "there is no database at \(global.databasePath)")
        }
        let target = URL(fileURLWithPath: file).resolvingSymlinksInPath()
        guard files.fileExists(atPath: target.deletingLastPathComponent().path) else {
            throw CommandFailure(message: "the directory of \(file) does not exist")
        }
        if files.fileExists(atPath: file) {
            guard force else { throw CommandFailure(message: "\(file) already exists; add --force to replace it") }
            guard target != URL(fileURLWithPath: global.databasePath).resolvingSymlinksInPath() else {
                throw CommandFailure(message: "\(file) is the database itself")
            }
        }
        let snapshot = try global.withStore { try $0.backup(to: file) }
        try snapshot.print(json: output.json, heading: "Wrote \(file) (integrity check ok, schema \(snapshot.schema)).")
    }
}

extension DatabaseSnapshot {
    /// Prints `heading` and what the snapshot holds, or the snapshot as JSON.
    func print(json: Bool, heading: String) throws {
        if json { return try Output.json(self) }
        Output.line("\(heading)")
        Output.table(
            ["CONTENTS", "COUNT"],
            [
                ("apps", apps), ("directories", directories), ("users", users), ("groups", groups),
                ("memberships", memberships), ("IdP users", idpUsers), ("IdP groups", idpGroups),
                ("audit entries", auditEntries),
            ].map { [$0.0, String($0.1)] }
        )
    }
}
