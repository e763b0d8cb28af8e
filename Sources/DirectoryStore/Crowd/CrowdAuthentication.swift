import Crypto
import Foundation
import GRDB
import Synchronization

/// What a client's name and password grant: its directories in order and the addresses it may
/// call from.
public struct CrowdGrant: Sendable, Equatable {
    public var clientID: Int64
    public var clientName: String
    public var enabled: Bool
    /// In lookup order.
    public var directoryIDs: [Int64]
    /// Empty: any address (unless ``refusesEveryAddress``).
    public var allowedAddresses: [AddressRange]
    /// A stored range no longer reads as one: the grant never widens to any address for it.
    public var refusesEveryAddress = false

    /// Whether a request from `address` may use the grant.
    public func allows(address: String?) -> Bool {
        guard !refusesEveryAddress else { return false }
        guard !allowedAddresses.isEmpty else { return true }
        guard let address else { return false }
        return allowedAddresses.contains { $0.contains(address) }
    }
}

/// Remembers, for one connection, the grants of name-and-password pairs that were verified (by a
/// SHA-256 of the pair, never the password), while the auth epoch is unchanged: the slow hash is
/// paid once per pair, and any change to a client (triggers bump the epoch) is seen on the next
/// request. Refusals are not remembered: each wrong password costs the slow hash again.
final class CrowdAuthCache: Sendable {
    private static let capacity = 64

    private struct State {
        var epoch: Int64 = -1
        var grants: [[UInt8]: CrowdGrant] = [:]
    }

    private let state = Mutex(State())

    func grant(name: String, password: String, epoch: Int64, verify: () throws -> CrowdGrant?) throws -> CrowdGrant? {
        let key = Array(SHA256.hash(data: Array(name.utf8) + [0] + Array(password.utf8)))
        let cached = state.withLock { state in
            if state.epoch != epoch || state.grants.count >= Self.capacity { state = State(epoch: epoch) }
            return state.grants[key]
        }
        if let cached { return cached }
        guard let grant = try verify() else { return nil }
        state.withLock { state in
            if state.epoch == epoch { state.grants[key] = grant }
        }
        return grant
    }
}

extension DirectoryStore {
    /// The grant of the client named `name` if `password` is its password (disabled clients
    /// included: the caller refuses them), or nil.
    public func authenticateCrowdClient(name: String, password: String) throws -> CrowdGrant? {
        try read { db in
            let epoch = try Int64.fetchOne(db, sql: "SELECT value FROM auth_epoch") ?? 0
            return try crowdAuthCache.grant(name: name.nameKey, password: password, epoch: epoch) {
                guard let row = try Self.crowdClientRow(db, named: name) else {
                    _ = CrowdPassword.verify(password, against: CrowdPassword.unknownClientHash)
                    return nil
                }
                guard CrowdPassword.verify(password, against: row["password_hash"]) else { return nil }
                let client = try Self.crowdClient(db, id: row["id"])
                let directoryIDs = try Int64.fetchAll(
                    db,
                    sql: "SELECT directory_id FROM crowd_client_directory WHERE client_id = ? ORDER BY position",
                    arguments: [client.id]
                )
                // A range that does not read (written by hand, or by a later version) refuses
                // every address rather than being dropped: dropping the only one allowed any.
                let ranges = client.allowedAddresses.map(AddressRange.init)
                return CrowdGrant(
                    clientID: client.id,
                    clientName: client.name,
                    enabled: client.enabled,
                    directoryIDs: directoryIDs,
                    allowedAddresses: ranges.compactMap { $0 },
                    refusesEveryAddress: ranges.contains(nil)
                )
            }
        }
    }
}
