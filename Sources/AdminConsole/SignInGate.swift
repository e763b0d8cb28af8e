import Foundation

/// How many sign-ins may hash a password at the same time in one responder. A sign-in costs one
/// scrypt (64 MiB, tens of milliseconds) before any failure is counted, and the console shares
/// its worker threads with the SCIM endpoints: without a gate, clients sending sign-ins from many
/// addresses under many names (none of them throttled yet) keep every worker hashing, and the
/// IdPs' requests wait. Past the gate a sign-in is answered 503 at once, with no hash.
public final class SignInGate: @unchecked Sendable {
    /// Two at once: a few admins signing in never wait; 128 MiB of scrypt at most.
    public static let standardLimit = 2

    public let limit: Int
    private let lock = NSLock()
    private var running = 0

    public init(limit: Int = SignInGate.standardLimit) {
        self.limit = max(1, limit)
    }

    /// Runs `body` if fewer than ``limit`` sign-ins are running; nil, without running it, if not.
    public func attempt<T>(_ body: () throws -> T) rethrows -> T? {
        guard enter() else { return nil }
        defer { leave() }
        return try body()
    }

    func enter() -> Bool {
        lock.withLock {
            guard running < limit else { return false }
            running += 1
            return true
        }
    }

    func leave() {
        lock.withLock { running -= 1 }
    }
}
