/// What one app's requests came to: every answer counted once, as a request and, by its status,
/// as an error (400 and above but 429) or as rate-limited (429).
public struct AppTrafficCounts: Sendable, Equatable, Codable {
    public var requests: Int64 = 0
    public var errors: Int64 = 0
    public var rateLimited: Int64 = 0
    /// The latest answer, in milliseconds since 1970; nil before the first.
    public var lastContactMilliseconds: Int64?

    public init(requests: Int64 = 0, errors: Int64 = 0, rateLimited: Int64 = 0, lastContactMilliseconds: Int64? = nil) {
        self.requests = requests
        self.errors = errors
        self.rateLimited = rateLimited
        self.lastContactMilliseconds = lastContactMilliseconds
    }
}

/// How an answer is counted.
public enum TrafficOutcome: Sendable {
    case success
    case error
    case rateLimited

    /// The outcome of an answer with HTTP `status`.
    public init(status: Int) {
        switch status {
        case 429: self = .rateLimited
        case 400...: self = .error
        default: self = .success
        }
    }
}
