import DirectoryStore
import GRDB

/// What a live database knows about its tokens that an older snapshot may not: which were
/// deleted (tombstones), revoked or given an earlier expiry since. A restore applies it to the
/// staging copy before copying that in, so rolling back the data never brings back a token the
/// admin took away.
struct TokenCarryOver {
    private struct Tombstone: Sendable {
        var hash: String
        var hint: String
        var deletedAt: String
    }

    private struct Limit: Sendable {
        var hash: String
        var expiresAt: String?
        var revokedAt: String?
    }

    private let tombstones: [Tombstone]
    private let limits: [Limit]
    private let epoch: Int64

    /// Reads the tokens' state of `store`, in one read transaction.
    init(from store: DirectoryStore) throws {
        (tombstones, limits, epoch) = try store.connection.read { db in
            let tombstones = try Row.fetchAll(db, sql: "SELECT token_hash, hint, deleted_at FROM token_tombstone").map {
                Tombstone(hash: $0[0], hint: $0[1], deletedAt: $0[2])
            }
            let limits = try Row.fetchAll(
                db,
                sql: "SELECT token_hash, expires_at, revoked_at FROM app_token WHERE revoked_at IS NOT NULL OR expires_at IS NOT NULL"
            ).map { Limit(hash: $0[0], expiresAt: $0[1], revokedAt: $0[2]) }
            return (tombstones, limits, try Int64.fetchOne(db, sql: "SELECT value FROM auth_epoch") ?? 0)
        }
    }

    /// Applies it to `db`, a database of the current schema, and moves its auth epoch above the
    /// live one: responders drop their cached tokens only when the epoch changes, and an epoch
    /// equal to the current one would keep the live database's grants alive after the copy. The
    /// Crowd event feed gets a new epoch.
    func apply(_ db: Database) throws {
        for tombstone in tombstones {
            try db.execute(
                sql: "INSERT OR IGNORE INTO token_tombstone (token_hash, hint, deleted_at) VALUES (?, ?, ?)",
                arguments: [tombstone.hash, tombstone.hint, tombstone.deletedAt]
            )
            try Self.limit(db, hash: tombstone.hash, expiresAt: nil, revokedAt: tombstone.deletedAt)
        }
        for limit in limits {
            try Self.limit(db, hash: limit.hash, expiresAt: limit.expiresAt, revokedAt: limit.revokedAt)
        }
        try db.execute(sql: "UPDATE auth_epoch SET value = max(value, ?) + 1", arguments: [epoch])
        // The data goes back in time, so a Crowd event token taken since would name events the
        // restored feed numbers differently: a new feed epoch expires every token.
        try db.execute(sql: "UPDATE crowd_event_epoch SET value = lower(hex(randomblob(8)))")
    }

    /// Revokes the token (keeping an earlier revocation) and shortens its life to `expiresAt`.
    private static func limit(_ db: Database, hash: String, expiresAt: String?, revokedAt: String?) throws {
        try db.execute(
            sql: """
                UPDATE app_token SET
                    revoked_at = coalesce(revoked_at, :revoked),
                    expires_at = CASE WHEN :expires IS NOT NULL AND (expires_at IS NULL OR expires_at > :expires)
                                 THEN :expires ELSE expires_at END
                WHERE token_hash = :hash
                  AND ((:revoked IS NOT NULL AND revoked_at IS NULL)
                       OR (:expires IS NOT NULL AND (expires_at IS NULL OR expires_at > :expires)))
                """,
            arguments: ["revoked": revokedAt, "expires": expiresAt, "hash": hash]
        )
    }
}
