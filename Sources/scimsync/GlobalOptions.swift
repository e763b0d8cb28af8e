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

    /// Opens the store (migrating it), and turns the store's refusals into a message and exit code 1.
    func withStore<T>(_ body: (DirectoryStore) throws -> T) throws -> T {
        do {
            return try body(try DirectoryStore(path: databasePath))
        } catch let error as StoreError {
            throw CommandFailure(message: error.description)
        } catch let error as CommandFailure {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandFailure(message: "cannot use the database \(databasePath): \(error)")
        }
    }
}

/// A command that could not do what was asked: printed as `scimsync: error: …`, exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
