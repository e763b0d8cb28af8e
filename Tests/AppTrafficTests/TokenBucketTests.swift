import AppTraffic
import Testing

@Suite struct TokenBucketTests {
    let second: Int64 = 1_000_000_000

    /// Runs `count` requests at `now`, threading the stored arrival time through them.
    private func run(_ count: Int, at now: Int64, from tat: inout Int64, _ limit: RateLimit) -> [TokenBucket.Decision] {
        (0..<count).map { _ in
            let (decision, next) = TokenBucket.admit(tat: tat, now: now, limit: limit)
            tat = next
            return decision
        }
    }

    @Test func anIdleBucketTakesExactlyItsBurstAtOnce() {
        var tat: Int64 = 0
        let now = 1_000 * second
        let decisions = run(6, at: now, from: &tat, RateLimit(perSecond: 1, burst: 5))
        #expect(decisions.prefix(5).allSatisfy { $0 == .allowed })
        #expect(decisions[5] == .limited(retryAfterSeconds: 1))
    }

    @Test func itRefillsAtTheRatePerSecond() {
        var tat: Int64 = 0
        let limit = RateLimit(perSecond: 10, burst: 10)
        let start = 1_000 * second
        #expect(run(10, at: start, from: &tat, limit).allSatisfy { $0 == .allowed })
        #expect(run(1, at: start, from: &tat, limit) == [.limited(retryAfterSeconds: 1)])
        // Half a second later five tokens are back, not six.
        let decisions = run(6, at: start + second / 2, from: &tat, limit)
        #expect(decisions.prefix(5).allSatisfy { $0 == .allowed })
        #expect(decisions[5] != .allowed)
    }

    @Test func retryAfterIsWholeSecondsUntilTheNextToken() {
        var tat: Int64 = 0
        let limit = RateLimit(perSecond: 1, burst: 1)
        // One token per second, burst 1: a second request right after the first waits 1 s.
        #expect(run(1, at: 10 * second, from: &tat, limit) == [.allowed])
        #expect(run(1, at: 10 * second + 1, from: &tat, limit) == [.limited(retryAfterSeconds: 1)])
    }

    @Test func refusalsDoNotUseTokens() {
        var tat: Int64 = 0
        let limit = RateLimit(perSecond: 1, burst: 2)
        _ = run(2, at: 100 * second, from: &tat, limit)
        let before = tat
        _ = run(50, at: 100 * second, from: &tat, limit)
        #expect(tat == before)
        #expect(run(1, at: 101 * second, from: &tat, limit) == [.allowed])
    }

    @Test func aClockSetBackDoesNotLockTheAppOut() {
        let limit = RateLimit(perSecond: 50, burst: 100)
        // Stored by a clock an hour ahead of now.
        let (decision, _) = TokenBucket.admit(tat: 3_600 * second, now: 0, limit: limit)
        #expect(decision == .allowed)
    }

    @Test func theDefaultIsWellAboveWhatTheIPSIEProfileAsks() {
        #expect(RateLimit.standard.perSecond >= 25)
        #expect(RateLimit.standard.problem == nil)
        #expect(RateLimit(perSecond: 0, burst: 1).problem != nil)
        #expect(RateLimit(perSecond: 1, burst: 0).problem != nil)
    }

    @Test func theResponderDefaultIsWrittenNOverM() {
        #expect(RateLimit(text: "50/100") == RateLimit(perSecond: 50, burst: 100))
        #expect(RateLimit(text: "30") == RateLimit(perSecond: 30, burst: 60))
        // A rate alone whose double does not fit in an Int is refused, not a trap.
        for bad in ["", "0/10", "10/0", "ten", "10/", "/10", "1/2/3", "-5/10", "9223372036854775807", "-9223372036854775808"] {
            #expect(RateLimit(text: bad) == nil, "\(bad)")
        }
    }

    @Test func aRateAloneBurstsTwiceWithinTheRange() {
        #expect(RateLimit.defaultBurst(perSecond: 50) == 100)
        #expect(RateLimit.defaultBurst(perSecond: 900_000) == RateLimit.burstRange.upperBound)
        #expect(RateLimit.defaultBurst(perSecond: .max) == RateLimit.burstRange.upperBound)
    }

    @Test func storedValuesOutOfEveryRangeDecideWithoutTrapping() {
        let now = 1_000 * second
        for tat in [Int64.min, -1, 0, Int64.max] {
            for limit in [
                RateLimit(perSecond: Int.max, burst: Int.max), RateLimit(perSecond: Int.min, burst: Int.min), RateLimit(perSecond: 0, burst: 0),
            ] {
                _ = TokenBucket.admit(tat: tat, now: now, limit: limit)
            }
        }
    }
}
