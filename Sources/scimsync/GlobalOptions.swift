import ArgumentParser
import DirectoryStore
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (default: $SCIMSYNC_DATABASE or ./scimsync.sqlite).")
    var database: String?

    var databasePath: String {
        database ?? ProcessInfo.processInfo.environment["SCIMSYNC_DATABASE"] ?? "scimsync.sqlite"
    }

    /// Who the store records as making this command's changes.
    var actor: AdminActor { .operatingSystemUser }

    /// Opens the store (migrating it), and turns the store's refusals into a message and exit code 1.
    func withStore<T>(_ body: (DirectoryStore) throws -> T) throws -> T {
        do {
            return try body(try DirectoryStore(path: databasePath))
        } catch let error as StoreError {
            // Its text may quote a snapshot's or a document's contents.
            throw CommandFailure(message: "\(error)")
        } catch let error as CommandFailure {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandFailure(message: "cannot use the database \(databasePath): \(String(describing: error))")
        }
    }
}

/// A command that could not do what was asked: printed as `scimsync: error: …`, exit code 1.
///
/// Its message is ``TerminalText``: what it quotes is escaped.
struct CommandFailure: Error, CustomStringConvertible {
    let message: TerminalText
    var description: String { message.description }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
