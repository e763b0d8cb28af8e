import Foundation
import Synchronization

/// What a live token grants: its app, until an optional expiry.
struct TokenGrant: Sendable {
    var app: AuthenticatedApp
    var appNameKey: String
    var expiresAt: Date?

    func isLive(at now: Date) -> Bool {
        expiresAt.map { now < $0 } ?? true
    }
}

/// Remembers token lookups (by the token's SHA-256, unknown tokens included) for one
/// connection, valid while the database's auth epoch is unchanged: any change to an app or a
/// token bumps the epoch (by trigger), so a revocation or a disabled app takes effect on the
/// very next request.
final class AuthCache: Sendable {
    private static let capacity = 256

    private struct State {
        var epoch: Int64 = -1
        var grants: [String: TokenGrant?] = [:]
    }

    private let state = Mutex(State())

    func grant(hash: String, epoch: Int64, lookUp: () throws -> TokenGrant?) throws -> TokenGrant? {
        let cached: TokenGrant?? = state.withLock { state in
            if state.epoch != epoch || state.grants.count >= Self.capacity {
                state = State(epoch: epoch)
            }
            return state.grants[hash]
        }
        if let cached { return cached }
        let grant = try lookUp()
        state.withLock { state in
            if state.epoch == epoch { state.grants[hash] = .some(grant) }
        }
        return grant
    }
}

/// The hash of the token this connection saw last: an IdP sends the same token with every
/// request, and hashing it was a twentieth of a GET's work. The secret is held in memory only,
/// as the request holds it, and compared in constant time.
final class TokenHashCache: Sendable {
    private let last = Mutex<(secret: String, hash: String)?>(nil)

    /// ``TokenSecret/hash(_:)`` of `secret`.
    func hash(of secret: String) -> String {
        if let known = last.withLock({ $0 }), TokenSecret.constantTimeEquals(known.secret, secret) { return known.hash }
        let hash = TokenSecret.hash(secret)
        last.withLock { $0 = (secret, hash) }
        return hash
    }
}
