import ArgumentParser
import ConfigDocument
import DirectoryOperations
import DirectoryStore
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole configuration (directories, apps, tokens as hashes, sync rules, settings) as JSON.",
        discussion: """
            The document follows docs/config.schema.json. Exporting, importing and exporting again gives
            the same bytes. Users, groups and memberships are not configuration: `scimsync backup` copies them.

            Examples:
              scimsync export --output scimsync-config.json
              scimsync export --redact > shareable.json
            """
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @Option(help: "Write to this file instead of standard output.") var output: String?
    @Flag(help: "Leave out the token hashes too (the importing side then keeps or issues its own tokens).") var redact = false

    func run() throws {
        let configuration = try global.withStore { try $0.exportConfiguration() }
        let document = ConfigDocument.serialize(configuration, redact: redact)
        guard let output else { return Output.jsonText(document, terminator: "") }
        do {
            // Mode 0600 from its first byte: an unredacted export lets its holder revive its tokens.
            try PrivateFile.write(document.utf8, atomicallyTo: output)
        } catch {
            throw CommandFailure(message: "\(String(describing: error))")
        }
        let directories = configuration.directories.count
        let apps = configuration.apps.count
        Output.line("Exported \(directories) director\(directories == 1 ? "y" : "ies") and \(apps) app\(apps == 1 ? "" : "s") to \(output).")
    }
}
