import ArgumentParser
import ConfigDocument
import DirectoryOperations
import DirectoryStore
import Foundation

extension DirectoryStore.ImportMode: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply a configuration document written by `scimsync export`, all or nothing.",
        discussion: """
            The whole document is checked first; an invalid one is refused with one line per problem,
            each naming its JSON path, and nothing is changed. --mode merge (the default) adds and
            updates what the document names; --mode replace also deletes apps and tokens it does not
            name. It is safe while the responder serves requests. Rules changes reach users and groups
            already provisioned with `scimsync sync`.

            Examples:
              scimsync import scimsync-config.json --dry-run
              scimsync import scimsync-config.json
              scimsync import scimsync-config.json --mode replace
            """
    )

    private struct Report: Encodable {
        var dryRun: Bool
        var changes: [String]
    }

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @OptionGroup var output: OutputOptions
    @Argument(help: "The document.") var file: String
    @Option(help: "merge or replace.") var mode: DirectoryStore.ImportMode = .merge
    @Flag(help: "Print what would change, change nothing.") var dryRun = false

    func run() throws {
        let configuration = try Self.read(file)
        if dryRun, !FileManager.default.fileExists(atPath: global.databasePath) {
            throw CommandFailure(message: "there is no database at \(global.databasePath) (a dry run creates none)")
        }
        let changes = try global.withStore { try $0.importConfiguration(configuration, mode: mode, dryRun: dryRun, by: global.actor) }
        if output.json { return try Output.json(Report(dryRun: dryRun, changes: changes)) }
        for change in changes { Output.line("\(change)") }
        Output.line(changes.isEmpty ? "no changes" : "\(changes.count) change\(changes.count == 1 ? "" : "s")")
        if dryRun { Output.line("dry run: nothing was changed") }
    }

    private static func read(_ path: String) throws -> SetupConfiguration {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw CommandFailure(message: "cannot read \(path)") }
        guard size <= ConfigDocument.maxBytes else {
            throw CommandFailure(
                message:
                    "\(path) is refused; nothing was imported:\n  /: the document is \(size) bytes; the limit is \(ConfigDocument.maxBytes) bytes"
            )
        }
        guard let data = try? Data(contentsOf: url) else { throw CommandFailure(message: "cannot read \(path)") }
        do {
            return try ConfigDocument.parse(Array(data))
        } catch {
            throw CommandFailure(message: "\(path) is refused; nothing was imported:\(eachOnALine: error.problems)")
        }
    }
}
