import AppTraffic
import ArgumentParser
import DirectoryStore

extension AppCommand {
    struct SetRateLimit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-rate-limit",
            abstract: "Set how many requests per second an app may send, and in bursts of how many.",
            discussion: """
                Past it the app's requests are answered 429 with Retry-After, in every responder process
                (they share one bucket per app). Without one of its own, an app has the responder's default: \
                \(RateLimit.standard.perSecond) per second in bursts of \(RateLimit.standard.burst) unless the responder \
                is started with --default-rate-limit.
                Examples:
                  scimsync app set-rate-limit okta-prod --per-second 100 --burst 200
                  scimsync app set-rate-limit okta-prod --default
                """
        )

        @ParentCommand var root: ScimSyncCommand
        var global: GlobalOptions { root.global }
        @Argument(help: "The app.") var app: String
        @Option(help: "Requests per second, on average (\(RateLimit.perSecondRange.lowerBound)–\(RateLimit.perSecondRange.upperBound)).")
        var perSecond: Int?
        @Option(help: "Requests at once after a quiet time (default: twice --per-second).") var burst: Int?
        @Flag(name: .customLong("default"), help: "Go back to the responder's default limit.") var useDefault = false

        func validate() throws {
            guard (perSecond == nil) == useDefault else { throw ValidationError("Pass --per-second (and --burst), or --default.") }
            if useDefault, burst != nil { throw ValidationError("--burst goes with --per-second.") }
            if let problem = limit?.problem { throw ValidationError("\(problem).") }
        }

        private var limit: RateLimit? {
            perSecond.map { RateLimit(perSecond: $0, burst: burst ?? RateLimit.defaultBurst(perSecond: $0)) }
        }

        func run() throws {
            let shown = try global.withStore { store in
                try store.setRateLimit(appName: app, limit, by: global.actor)
                return try store.configuredRateLimit(appName: app)
            }
            Output.line("App '\(app)' rate limit: \(RateLimitText.describe(shown)).")
        }
    }
}
