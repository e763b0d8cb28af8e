import ArgumentParser

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "List, rotate and revoke an app's bearer tokens.",
        subcommands: [List.self, Rotate.self, Revoke.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an app's tokens (never their secrets).",
            discussion: "Example: scimsync token list okta-prod"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The app's name.") var app: String

        func run() throws {
            let tokens = try global.withStore { try $0.tokens(app: app) }
            if output.json { return try Output.json(tokens) }
            Output.table(
                ["ID", "TOKEN", "CREATED", "EXPIRES", "REVOKED"],
                tokens.map { [String($0.id), $0.hint, $0.createdAt, $0.expiresAt ?? "-", $0.revokedAt ?? "-"] }
            )
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new token; the app's current tokens keep working for a grace period, then expire.",
            discussion: """
                Zero-downtime rotation: give the IdP the new token within the grace period.
                Examples:
                  scimsync token rotate okta-prod                      # old tokens work for 24 more hours
                  scimsync token rotate okta-prod --grace-minutes 0    # old tokens stop now
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The app's name.") var app: String
        @Option(help: "Minutes the current tokens keep working.") var graceMinutes = 1440
        @Option(help: "Public URL of the web server (default: $SCIMSYNC_PUBLIC_URL or http://127.0.0.1:8080).")
        var baseURL: String?

        func run() throws {
            let token = try global.withStore { try $0.rotateToken(app: app, graceMinutes: graceMinutes, by: global.actor) }
            try TokenOutput(app: app, baseURL: Output.baseURL(baseURL, app: app), token: token).print(json: output.json)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one token, or all of an app's tokens, at once.",
            discussion: """
                Examples:
                  scimsync token revoke okta-prod --token-id 3
                  scimsync token revoke okta-prod --all
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The app's name.") var app: String
        @Option(help: "The id of the token to revoke (see 'scimsync token list').") var tokenId: Int64?
        @Flag(help: "Revoke every token of the app.") var all = false

        func validate() throws {
            guard (tokenId != nil) != all else { throw ValidationError("Pass either --token-id ID or --all.") }
        }

        func run() throws {
            try global.withStore { try $0.revokeTokens(app: app, tokenID: tokenId, by: global.actor) }
            Output.line(all ? "Revoked every token of app '\(app)'." : "Revoked token \(tokenId!) of app '\(app)'.")
        }
    }
}
