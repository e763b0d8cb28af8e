/// How many requests per second one app may send, and how many at once: a token bucket that
/// refills `perSecond` tokens a second up to `burst` tokens, one token a request.
public struct RateLimit: Sendable, Equatable, Codable {
    public var perSecond: Int
    public var burst: Int

    public init(perSecond: Int, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// Twice the 25 requests per second the IPSIE SCIM profile asks a server to accept per tenant,
    /// and a burst of two seconds of it: IdPs send a few requests a second, and a full sync at
    /// most a few dozen.
    public static let standard = RateLimit(perSecond: 50, burst: 100)

    /// The settings an admin may choose (`scimsync app set-rate-limit`).
    public static let perSecondRange = 1...100_000
    public static let burstRange = 1...1_000_000

    /// The limit's names as the 429 quotes them, like every other limit: `(limit NAME = VALUE)`.
    public static let perSecondName = "rateLimitPerSecond"
    public static let burstName = "rateLimitBurst"

    /// The burst of a limit given by its rate alone: twice the rate, at most the largest burst (and
    /// no overflow, whatever number came in: the rate's own check then names the problem).
    public static func defaultBurst(perSecond: Int) -> Int {
        let (doubled, overflow) = perSecond.multipliedReportingOverflow(by: 2)
        return overflow ? burstRange.upperBound : min(burstRange.upperBound, doubled)
    }

    /// `N/M` (N per second, bursts of M) or `N` (bursts of 2N), as the responder's
    /// `--default-rate-limit` takes it; nil if it is neither or out of range.
    public init?(text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let perSecond = Int(parts[0]) else { return nil }
        let burst = parts.count == 2 ? Int(parts[1]) : Self.defaultBurst(perSecond: perSecond)
        guard let burst else { return nil }
        self.init(perSecond: perSecond, burst: burst)
        if problem != nil { return nil }
    }

    /// Why `perSecond` or `burst` cannot be used, or nil.
    public var problem: String? {
        if !Self.perSecondRange.contains(perSecond) {
            return "--per-second must be between \(Self.perSecondRange.lowerBound) and \(Self.perSecondRange.upperBound)"
        }
        if !Self.burstRange.contains(burst) {
            return "--burst must be between \(Self.burstRange.lowerBound) and \(Self.burstRange.upperBound)"
        }
        return nil
    }
}
