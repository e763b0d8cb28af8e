import Foundation
import Synchronization
import Testing

@testable import FastCGI

@Suite struct RunPermitsTests {
    /// Threads that count themselves in while they hold a permit, and the most counted at once.
    final class Running: Sendable {
        private let counts = Mutex((now: 0, most: 0))
        var most: Int { counts.withLock { $0.most } }

        func enter() {
            counts.withLock { counts in
                counts.now += 1
                counts.most = max(counts.most, counts.now)
            }
        }

        func leave() { counts.withLock { $0.now -= 1 } }
    }

    /// The most of `count` threads that held one of `permits` at once, each for `holding` seconds.
    private func mostRunningAtOnce(_ count: Int, _ permits: RunPermits, holding: TimeInterval) -> Int {
        let running = Running()
        let finished = DispatchGroup()
        for _ in 0..<count {
            finished.enter()
            Thread {
                permits.take()
                running.enter()
                Thread.sleep(forTimeInterval: holding)
                running.leave()
                permits.giveBack()
                finished.leave()
            }
            .start()
        }
        #expect(finished.wait(timeout: .now() + 10) == .success, "every thread got its turn")
        return running.most
    }

    @Test func noMoreThreadsRunThanThereArePermits() {
        #expect(mostRunningAtOnce(6, RunPermits(limit: 2), holding: 0.02) == 2)
    }

    @Test func aThreadThatGivesItsPermitBackLetsAnotherRunMeanwhile() {
        let permits = RunPermits(limit: 1)
        permits.take()
        let other = DispatchSemaphore(value: 0)
        Thread {
            permits.take()
            other.signal()
            permits.giveBack()
        }
        .start()
        #expect(other.wait(timeout: .now() + 0.2) == .timedOut, "the permit is held")
        permits.giveBack()
        #expect(other.wait(timeout: .now() + 10) == .success, "the lent permit let the other thread run")
        permits.take()
        permits.giveBack()
    }

    @Test func givingBackWithoutAPermitAddsNone() {
        let permits = RunPermits(limit: 1)
        permits.giveBack()
        permits.take()
        permits.take()  // held already: no second permit taken
        permits.giveBack()
        permits.giveBack()
        #expect(mostRunningAtOnce(4, permits, holding: 0.01) == 1)
    }
}
