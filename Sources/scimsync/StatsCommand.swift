import AppTraffic
import ArgumentParser
import DirectoryStore
import Foundation

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per app: requests, errors, rate-limited requests, last contact, and the users and groups it provisioned.",
        discussion: """
            Answers "is my IdP still pushing?". The counts come from the traffic file beside the
            database (DATABASE-traffic), which every responder process adds to; they count since that
            file was made, or with --since from the start of the hour that time falls in (the file
            keeps \(TrafficFile.hoursKept / 24) days of hours). ERRORS are answers of 400 and above but 429
            (a refused token counts for the app its URL names); RATE-LIMITED are the 429s. USERS and GROUPS are the app's IdP view now.
            Examples:
              scimsync stats
              scimsync stats --app okta-prod --since 24h
              scimsync stats --since 2026-11-30T00:00:00Z --json
            """
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this app.") var app: String?
    @Option(help: "Only requests since a time (RFC 3339) or for a past duration: 30m, 24h, 7d.") var since: String?

    struct AppStats: Encodable {
        var app: String
        var requests: Int64
        var errors: Int64
        var rateLimited: Int64
        /// RFC 3339, or nil if the app never sent a request.
        var lastContact: String?
        var users: Int
        var groups: Int
        /// Nil: the responder's default.
        var rateLimit: RateLimit?

        /// Every key is there, unknown values as null, so that scripts need not guess.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(app, forKey: .app)
            try container.encode(requests, forKey: .requests)
            try container.encode(errors, forKey: .errors)
            try container.encode(rateLimited, forKey: .rateLimited)
            try container.encode(lastContact, forKey: .lastContact)
            try container.encode(users, forKey: .users)
            try container.encode(groups, forKey: .groups)
            try container.encode(rateLimit, forKey: .rateLimit)
        }

        private enum CodingKeys: String, CodingKey {
            case app, requests, errors, rateLimited, lastContact, users, groups, rateLimit
        }
    }

    func validate() throws {
        if let since {
            guard let instant = AuditCommand.instant(since) else {
                throw ValidationError(
                    "--since '\(TerminalText.escaped(since))' is neither a time such as 2026-11-01T00:00:00Z nor a duration such as 24h."
                )
            }
            guard Date().timeIntervalSince(instant) <= Double(TrafficFile.hoursKept - 1) * 3600 else {
                throw ValidationError("--since reaches back at most \(TrafficFile.hoursKept - 1) hours: the traffic file keeps no older hours.")
            }
        }
    }

    func run() throws {
        let sinceHour = since.flatMap(AuditCommand.instant).map { Int64($0.timeIntervalSince1970) / 3600 }
        let counts = try trafficCounts(sinceHour: sinceHour)
        let stats = try global.withStore { store in
            var apps = try store.apps()
            if let app {
                apps = apps.filter { $0.name.nameKey == app.nameKey }
                if apps.isEmpty { throw StoreError.notFound("app '\(app)'") }
            }
            let sizes = try store.sizes()
            return try apps.map { app in
                let entry = counts[app.id].flatMap { $0.name == TrafficKey.hash(app.name) ? $0.counts : nil } ?? AppTrafficCounts()
                let size = sizes.apps[app.id] ?? .zero
                return AppStats(
                    app: app.name,
                    requests: entry.requests,
                    errors: entry.errors,
                    rateLimited: entry.rateLimited,
                    lastContact: entry.lastContactMilliseconds.map {
                        Date(timeIntervalSince1970: Double($0) / 1000).formatted(
                            .iso8601.year().month().day().time(includingFractionalSeconds: false)
                        )
                    },
                    users: size.users,
                    groups: size.groups,
                    rateLimit: try store.configuredRateLimit(appID: app.id)
                )
            }
        }
        if output.json { return try Output.json(stats) }
        Output.table(
            ["APP", "REQUESTS", "ERRORS", "RATE-LIMITED", "LAST CONTACT", "USERS", "GROUPS", "RATE LIMIT"],
            stats.map {
                [
                    $0.app, "\($0.requests)", "\($0.errors)", "\($0.rateLimited)", $0.lastContact ?? "never", "\($0.users)", "\($0.groups)",
                    $0.rateLimit.map { "\($0.perSecond)/s, burst \($0.burst)" } ?? "default",
                ]
            }
        )
    }

    /// The traffic file's counts; none when no responder has made the file yet.
    private func trafficCounts(sinceHour: Int64?) throws -> [Int64: (name: UInt64, counts: AppTrafficCounts)] {
        let path = TrafficFile.path(forDatabase: global.databasePath)
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            return try TrafficFile(path: path, writable: false).counts(sinceHour: sinceHour)
        } catch {
            throw CommandFailure(message: "cannot read \(path): \(String(describing: error))")
        }
    }
}
