import AppTraffic
import ArgumentParser
import DirectoryStore
import SyncRules

extension ProviderProfile: ExpressibleByArgument {}

struct AppCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app",
        abstract: "Manage apps: one per IdP connection, each with its own SCIM base URL and tokens.",
        subcommands: [
            Create.self, List.self, Show.self, SetDirectory.self, SetBaseURL.self, SetRateLimit.self, Disable.self, Enable.self, Delete.self,
        ]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an app and print its SCIM base URL and first bearer token (shown only once).",
            discussion: """
                Examples:
                  scimsync app create okta-prod --provider okta --directory staff
                  scimsync app create entra --provider entra --directory staff --base-url https://scim.example.com --json
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The app's name; it becomes part of the URL /scim/<name>/v2.") var name: String
        @Option(
            help:
                "The IdP: \(ProviderProfile.allCases.map(\.rawValue).joined(separator: ", ")); its requests are read in its dialect (generic: RFC 7644 as written)."
        )
        var provider: ProviderProfile
        @Option(help: "The directory the app provisions into.") var directory: String
        @Flag(help: "Create the directory if it does not exist.") var createDirectory = false
        @Option(
            help: """
                Public URL of the web server; kept, so that responses build their URLs from it whatever Host a \
                request names (default: $SCIMSYNC_PUBLIC_URL or http://127.0.0.1:8080, not kept).
                """
        )
        var baseURL: String?

        func run() throws {
            let (app, token) = try global.withStore { store in
                let app = try store.createApp(
                    name: name,
                    provider: provider,
                    directoryName: directory,
                    createDirectory: createDirectory,
                    baseURL: baseURL,
                    by: global.actor
                )
                return (app, try store.issueToken(app: app.name, by: global.actor))
            }
            try TokenOutput(app: app.name, baseURL: Output.baseURL(app.baseURL, app: app.name), token: token).print(json: output.json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List apps.", discussion: "Example: scimsync app list")

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions

        func run() throws {
            let apps = try global.withStore { try $0.apps() }
            if output.json { return try Output.json(apps) }
            Output.table(
                ["NAME", "PROVIDER", "DIRECTORY", "STATE"],
                apps.map { [$0.name, $0.provider.rawValue, $0.directoryName, $0.enabled ? "enabled" : "disabled"] }
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one app and its tokens.",
            discussion: "Example: scimsync app show okta-prod"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @OptionGroup var output: OutputOptions
        @Argument(help: "The app's name.") var name: String
        @Option(help: "Public URL of the web server (default: $SCIMSYNC_PUBLIC_URL or http://127.0.0.1:8080).")
        var baseURL: String?

        struct Details: Encodable {
            var app: App
            var baseURL: String
            var tokens: [AppToken]
            /// Nil: the responder's default.
            var rateLimit: RateLimit?
        }

        func run() throws {
            let details = try global.withStore { store in
                guard let app = try store.app(named: name) else { throw StoreError.notFound("app '\(name)'") }
                return Details(
                    app: app,
                    baseURL: Output.baseURL(baseURL ?? app.baseURL, app: app.name),
                    tokens: try store.tokens(app: app.name),
                    rateLimit: try store.configuredRateLimit(appID: app.id)
                )
            }
            if output.json { return try Output.json(details) }
            Output.line(
                """
                App:           \(details.app.name)
                Provider:      \(details.app.provider.rawValue)
                Directory:     \(details.app.directoryName)
                State:         \(details.app.enabled ? "enabled" : "disabled")
                SCIM base URL: \(details.baseURL)
                Tokens:        \(details.tokens.filter { $0.revokedAt == nil }.count) not revoked
                Rate limit:    \(RateLimitText.describe(details.rateLimit))
                """
            )
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse the app's tokens until it is enabled again (its data stays).",
            discussion: "Example: scimsync app disable okta-prod"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The app's name.") var name: String

        func run() throws {
            try global.withStore { try $0.setAppEnabled(name, enabled: false, by: global.actor) }
            Output.line("Disabled app '\(name)'.")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept the app's tokens again.",
            discussion: "Example: scimsync app enable okta-prod"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The app's name.") var name: String

        func run() throws {
            try global.withStore { try $0.setAppEnabled(name, enabled: true, by: global.actor) }
            Output.line("Enabled app '\(name)'.")
        }
    }

    struct SetDirectory: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-directory",
            abstract: "Point an app at another directory; `scimsync sync --app APP` then provisions its users there.",
            discussion: "Example: scimsync app set-directory okta-prod contractors --create-directory"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The app.") var app: String
        @Argument(help: "The directory.") var directory: String
        @Flag(help: "Create the directory if it does not exist.") var createDirectory = false

        func run() throws {
            try global.withStore { try $0.setDirectory(app: app, directory: directory, createDirectory: createDirectory, by: global.actor) }
            Output.line("App '\(app)' now provisions into directory '\(directory)'. Run `scimsync sync --app \(app)` to move what it provisioned.")
        }
    }

    struct SetBaseURL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-base-url",
            abstract: "Keep the public URL the app's responses build their URLs from, whatever Host a request names.",
            discussion: """
                Examples:
                  scimsync app set-base-url okta-prod https://scim.example.com
                  scimsync app set-base-url okta-prod --clear
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The app.") var app: String
        @Argument(help: "The public URL of the web server, such as https://scim.example.com.") var url: String?
        @Flag(help: "Forget the URL: responses then use the request's Host.") var clear = false

        func validate() throws {
            guard (url == nil) == clear else { throw ValidationError("Name a URL, or pass --clear.") }
        }

        func run() throws {
            try global.withStore { try $0.setAppBaseURL(app, baseURL: url, by: global.actor) }
            if let url {
                Output.line("App '\(app)' now answers with URLs under \(url).")
            } else {
                Output.line("App '\(app)' now answers with URLs built from the request's Host.")
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the app, its tokens and its IdP view; directory users it created stay.",
            discussion: "Example: scimsync app delete okta-test"
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The app's name.") var name: String

        func run() throws {
            try global.withStore { try $0.deleteApp(name, by: global.actor) }
            Output.line("Deleted app '\(name)'.")
        }
    }
}

/// A token just issued, printed once.
struct TokenOutput: Encodable {
    var app: String
    var baseURL: String
    var token: String
    var tokenId: Int64

    init(app: String, baseURL: String, token: IssuedToken) {
        self.app = app
        self.baseURL = baseURL
        self.token = token.secret
        self.tokenId = token.id
    }

    func print(json: Bool) throws {
        if json { return try Output.json(self) }
        Output.line(
            """
            SCIM base URL: \(baseURL)
            Bearer token: \(token)
            The token is shown only this once; ScimSync keeps only its hash.
            """
        )
    }
}
