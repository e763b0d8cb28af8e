import DirectoryStore
import Foundation

/// How the console's sessions and sign-ins are limited.
public struct ConsoleSettings: Sendable, Equatable {
    public var sessionLifetime: AdminSessionLifetime
    public var signInLimits: SignInLimits

    public init(sessionLifetime: AdminSessionLifetime = .standard, signInLimits: SignInLimits = .standard) {
        self.sessionLifetime = sessionLifetime
        self.signInLimits = signInLimits
    }

    /// The defaults, changed by `SCIMSYNC_ADMIN_IDLE_SECONDS` and `SCIMSYNC_ADMIN_SESSION_SECONDS`
    /// (whole seconds, at least 1) when they are set.
    public static func from(environment: [String: String]) -> ConsoleSettings {
        var settings = ConsoleSettings()
        if let idle = environment["SCIMSYNC_ADMIN_IDLE_SECONDS"].flatMap(Int.init), idle > 0 {
            settings.sessionLifetime.idle = TimeInterval(idle)
        }
        if let absolute = environment["SCIMSYNC_ADMIN_SESSION_SECONDS"].flatMap(Int.init), absolute > 0 {
            settings.sessionLifetime.absolute = TimeInterval(absolute)
        }
        return settings
    }
}
