import AppTraffic

/// How the admin tool names an app's rate limit.
enum RateLimitText {
    /// `50 requests per second, in bursts of 100`, or the responder's default when `limit` is nil.
    static func describe(_ limit: RateLimit?) -> String {
        guard let limit else {
            return "the responder's default (\(describe(RateLimit.standard)) unless it runs with --default-rate-limit)"
        }
        return describe(limit)
    }

    private static func describe(_ limit: RateLimit) -> String {
        "\(limit.perSecond) requests per second, in bursts of \(limit.burst)"
    }
}
