import ArgumentParser
import DirectoryStore
import Foundation
import SCIM
import SyncRules

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show and change an app's sync rules (how its IdP view becomes the directory view).",
        subcommands: [Show.self, Set.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every sync rule of an app, defaults included.",
            discussion: """
                Examples:
                  scimsync rules show okta-prod
                  scimsync rules show okta-prod --json > okta-rules.json
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The app.") var app: String

        func run() throws {
            let rules = try global.withStore { try $0.rules(app: app) }
            if output.json { return Output.jsonText(JSONWriter.pretty(RulesDocument.json(rules))) }
            RulesText.print(rules)
        }
    }

    struct Set: ParsableCommand {
        private struct Saved: Encodable {
            var app: String
            var saved: Bool
        }

        static let configuration = CommandConfiguration(
            abstract: "Change some of an app's sync rules; the others keep their values.",
            discussion: """
                The new rules apply to every IdP request at once; `scimsync sync --app APP` applies
                them to the users and groups already provisioned. --dry-run saves nothing and prints
                what that synchronization would change.

                Examples:
                  scimsync rules set okta-prod --existing-users adopt --on-delete delete
                  scimsync rules set okta-prod --username-pattern '^([^@]+)@corp\\.com$' --username-replacement '$1'
                  scimsync rules set okta-prod --map email='emails[type eq "work"].value,mail'
                  scimsync rules set okta-prod --group-mode manual --map-group 'Engineering=jira-users,devs' --import-unmapped off
                  scimsync rules set okta-prod --deny-group '^test-' --default-group-all everyone --dry-run
                  scimsync rules set okta-prod --file okta-rules.json
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The app.") var app: String
        @OptionGroup var edit: RulesEdit
        @Flag(help: "Save nothing; print what a synchronization under the new rules would change.") var dryRun = false

        func run() throws {
            let changes = try global.withStore { store in
                // A file replaces the rules, so stored rules this build cannot read (a pattern
                // ICU took and PCRE2 refuses) are not read first: they can still be replaced.
                var rules = edit.file == nil ? try store.rules(app: app) : AppRules()
                try edit.apply(to: &rules)
                return try store.setRules(app: app, try RulesEdit.validated(rules), dryRun: dryRun, by: global.actor)
            }
            if dryRun { return try ChangeReport.print(changes, dryRun: true, json: output.json) }
            if output.json { return try Output.json(Saved(app: app, saved: true)) }
            Output.line("Saved the rules of app '\(app)'. Run `scimsync sync --app \(app)` to apply them to what is already provisioned.")
        }
    }
}
