import ArgumentParser
import DirectoryStore
import Foundation

extension AdminAccount.Role: ExpressibleByArgument {}

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage the accounts that sign in to the admin web console (/admin/).",
        subcommands: [Create.self, List.self, ResetPassword.self, Delete.self]
    )

    /// A password from standard input (its first line) when one is piped, else a generated one.
    struct PasswordOptions: ParsableArguments {
        @Flag(help: "Read the password from the first line of standard input instead of generating one.")
        var passwordStdin = false

        /// The password, and whether it was generated (and so must be printed).
        func password() throws -> (String, generated: Bool) {
            guard passwordStdin else { return (PasswordHash.generate(), true) }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CommandFailure(message: "no password on standard input")
            }
            return (line, false)
        }
    }

    struct Created: Encodable {
        var name: String
        var role: AdminAccount.Role
        /// Nil when the password came from standard input.
        var password: String?
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a console account; prints a generated password once (or reads one with --password-stdin).",
            discussion: """
                Examples:
                  scimsync admin create alice
                  scimsync admin create auditor --read-only
                  printf '%s\\n' "$PASSWORD" | scimsync admin create bob --password-stdin
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @OptionGroup var passwordOptions: PasswordOptions
        @Argument(help: "The name the admin signs in with.") var name: String
        @Flag(help: "The account can read every screen but change nothing.") var readOnly = false

        func run() throws {
            let (password, generated) = try passwordOptions.password()
            let admin = try global.withStore {
                try $0.createAdmin(name: name, password: password, role: readOnly ? .readOnly : .admin, by: global.actor)
            }
            let created = Created(name: admin.name, role: admin.role, password: generated ? password : nil)
            if output.json { return try Output.json(created) }
            Output.line("Created admin '\(admin.name)' (\(admin.role.rawValue)).")
            if generated { Output.line("Password: \(password)\nThe password is shown only this once; ScimSync keeps only its hash.") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List console accounts.", discussion: "Example: scimsync admin list")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions

        func run() throws {
            let admins = try global.withStore { try $0.admins() }
            if output.json { return try Output.json(admins) }
            Output.table(["NAME", "ROLE", "CREATED"], admins.map { [$0.name, $0.role.rawValue, $0.createdAt] })
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Give an account a new password (printed once, or read with --password-stdin) and end its sessions.",
            discussion: "Example: scimsync admin reset-password alice"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @OptionGroup var passwordOptions: PasswordOptions
        @Argument(help: "The account.") var name: String

        func run() throws {
            let (password, generated) = try passwordOptions.password()
            try global.withStore { try $0.resetAdminPassword(name: name, password: password, by: global.actor) }
            if output.json {
                return try Output.json(Created(name: name, role: .admin, password: generated ? password : nil))
            }
            Output.line("Reset the password of admin '\(name)'; its sessions are ended.")
            if generated { Output.line("Password: \(password)\nThe password is shown only this once; ScimSync keeps only its hash.") }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a console account and end its sessions.",
            discussion: "Example: scimsync admin delete alice"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The account.") var name: String

        func run() throws {
            try global.withStore { try $0.deleteAdmin(name: name, by: global.actor) }
            Output.line("Deleted admin '\(name)'.")
        }
    }
}
