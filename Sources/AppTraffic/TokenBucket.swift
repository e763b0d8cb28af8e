/// The token bucket of ``RateLimit`` kept as one number, the *theoretical arrival time* of the
/// generic cell rate algorithm (GCRA): the moment the bucket would be full again. One 64-bit
/// value per app is what the shared traffic file holds, so every responder process applies the
/// same bucket.
public enum TokenBucket {
    /// What one request meets.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; a token will be there after this many whole seconds (at least 1).
        case limited(retryAfterSeconds: Int)
    }

    /// Decides one request at `now` (nanoseconds), given the stored arrival time `tat`; returns
    /// the decision and the arrival time to store.
    public static func admit(tat: Int64, now: Int64, limit: RateLimit) -> (Decision, tat: Int64) {
        // Clamped to the ranges the admin tool allows, so no stored value can overflow the sums.
        let perSecond = min(max(RateLimit.perSecondRange.lowerBound, limit.perSecond), RateLimit.perSecondRange.upperBound)
        let burst = min(max(RateLimit.burstRange.lowerBound, limit.burst), RateLimit.burstRange.upperBound)
        let interval = 1_000_000_000 / Int64(perSecond)
        let tolerance = interval * Int64(burst - 1)
        // A stored time further ahead than one full bucket can only come from a clock set back
        // (or a limit lowered since): start from a full bucket rather than refuse for hours.
        var arrival = tat > now + tolerance + interval ? now : max(tat, now)
        if arrival - now > tolerance {
            let wait = arrival - now - tolerance
            return (.limited(retryAfterSeconds: Int(max(1, (wait + 999_999_999) / 1_000_000_000))), tat)
        }
        arrival += interval
        return (.allowed, arrival)
    }
}
