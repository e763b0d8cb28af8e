import ArgumentParser
import DirectoryStore
import Foundation

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit log of provisioning changes and admin actions, newest first.",
        discussion: """
            Every change an IdP makes, and every change an admin makes with this tool, is recorded
            in the same transaction as the change itself. ACTOR is the operating-system user who
            ran the command (`root (sudo: alice)` through sudo); "-" for an IdP's requests, where
            the app acts. Control characters in names and details are shown escaped (\\u{1B}).
            Examples:
              scimsync audit --app okta-prod --since 24h
              scimsync audit --user alice@example.com --json
              scimsync audit --actor alice
              scimsync audit --since 2026-11-01T00:00:00Z --limit 50
            """
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this app's changes.") var app: String?
    @Option(help: "Only changes since a time (RFC 3339) or for a past duration: 30m, 24h, 7d.") var since: String?
    @Option(help: "Only changes to this user (SCIM id or userName).") var user: String?
    @Option(help: "Only changes this admin made (directly or through sudo).") var actor: String?
    @Option(help: "At most this many entries.") var limit = 100

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive.") }
        if let since, Self.instant(since) == nil {
            throw ValidationError(
                "--since '\(TerminalText.escaped(since))' is neither a time such as 2026-11-01T00:00:00Z nor a duration such as 24h."
            )
        }
    }

    func run() throws {
        let query = AuditQuery(app: app, since: since.flatMap(Self.instant), user: user, actor: actor, limit: limit)
        let entries = try global.withStore { store in
            let entries = try store.auditEntries(query)
            // A deleted app's entries stay; a name no entry and no app has is a mistake.
            if let app, entries.isEmpty, try store.app(named: app) == nil { throw StoreError.notFound("app '\(app)'") }
            return entries
        }
        if output.json { return try Output.json(entries) }
        Output.table(
            ["TIME", "APP", "ACTOR", "OPERATION", "TARGET", "OUTCOME", "DETAIL"],
            entries.map { [$0.at, $0.app ?? "-", $0.actor ?? "-", $0.operation, $0.target, $0.outcome, $0.detail ?? ""] }
        )
    }

    /// An RFC 3339 time, or now minus `<n>m`, `<n>h` or `<n>d`.
    static func instant(_ text: String) -> Date? {
        AuditQuery.instant(text)
    }
}
