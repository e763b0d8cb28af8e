import GRDB

/// One change of the directory, as Crowd's event feed reports it.
public struct CrowdEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case user, group, membership
    }

    public var id: Int64
    public var kind: Kind
    /// `CREATED`, `UPDATED` or `DELETED`.
    public var operation: String
    /// The user or group; for a membership, the group.
    public var name: String
    /// A membership's member: "user" or "group", and its name.
    public var memberKind: String?
    public var memberName: String?
    /// The user or group of a `CREATED` or `UPDATED` event as it is now, if it still exists:
    /// applications update their copy from the event's entity.
    public var user: CrowdUser?
    public var group: CrowdGroup?
}

/// What a client's event token answers.
public enum CrowdEventBatch: Sendable, Equatable {
    /// The events since the token, and the token to ask with next.
    case events([CrowdEvent], newToken: String)
    /// The token is of another database, or older than the feed keeps, or too many changes
    /// followed it: the client must synchronise in full.
    case expired
}

extension DirectoryStore {
    /// The most events one answer carries; more since a token expire it (a full synchronisation
    /// is then cheaper than the events).
    public static let crowdMaxEventsPerAnswer = 10_000

    /// The token of the feed's current position.
    public func crowdEventToken() throws -> String {
        try read { db in
            let (epoch, last) = try Self.crowdFeedPosition(db)
            return "\(epoch)-\(last)"
        }
    }

    /// The events of `directories` after `token`.
    public func crowdEvents(since token: String, in directories: [Int64]) throws -> CrowdEventBatch {
        try read { db in
            let (epoch, last) = try Self.crowdFeedPosition(db)
            let parts = token.split(separator: "-", maxSplits: 1)
            guard parts.count == 2, parts[0] == epoch, let after = Int64(parts[1]), after >= 0, after <= last else { return .expired }
            let first = try Int64.fetchOne(db, sql: "SELECT min(id) FROM crowd_event") ?? last + 1
            guard after >= first - 1, last - after <= Int64(Self.crowdMaxEventsPerAnswer) else { return .expired }
            let list = directories.map(String.init).joined(separator: ", ")
            let events = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, directory_id, kind, operation, name, member_kind, member_name FROM crowd_event
                    WHERE id > ? AND id <= ? AND directory_id IN (\(list.isEmpty ? "NULL" : list)) ORDER BY id
                    """,
                arguments: [after, last]
            ).map { row in
                var event = CrowdEvent(
                    id: row["id"],
                    kind: CrowdEvent.Kind(rawValue: row["kind"]) ?? .user,
                    operation: row["operation"],
                    name: row["name"],
                    memberKind: row["member_kind"],
                    memberName: row["member_name"]
                )
                guard event.operation != "DELETED" else { return event }
                let directory: Int64 = row["directory_id"]
                switch event.kind {
                case .user: event.user = try crowdUser(named: event.name, in: [directory])
                case .group: event.group = try crowdGroup(named: event.name, in: [directory])
                case .membership: break
                }
                return event
            }
            return .events(events, newToken: "\(epoch)-\(last)")
        }
    }

    private static func crowdFeedPosition(_ db: Database) throws -> (epoch: String, last: Int64) {
        let epoch = try String.fetchOne(db, sql: "SELECT value FROM crowd_event_epoch") ?? ""
        let last = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'crowd_event'") ?? 0
        return (epoch, last)
    }
}
