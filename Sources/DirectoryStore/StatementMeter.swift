import GRDB
import Synchronization

/// Adds up the time SQLite spent executing this connection's statements (SQLite's own profile
/// of each statement), with the waits for the write lock (`BEGIN IMMEDIATE`, which waits while
/// another process writes) and the commits (`COMMIT`, which syncs the WAL to disk) apart. A
/// responder reads and resets it once per request.
public final class StatementMeter: Sendable {
    /// Seconds, since the last ``take()``.
    public struct Reading: Sendable, Equatable {
        /// Every statement, the two below included.
        public var database: Double = 0
        /// Waiting for and taking the write lock; nil when no write transaction began.
        public var lockWait: Double?
        /// Committing write transactions; nil when none committed.
        public var commit: Double?

        public init(database: Double = 0, lockWait: Double? = nil, commit: Double? = nil) {
            self.database = database
            self.lockWait = lockWait
            self.commit = commit
        }
    }

    private let reading = Mutex(Reading())

    public init() {}

    /// What was measured since the last call, and starts again from zero.
    public func take() -> Reading {
        reading.withLock { reading in
            defer { reading = Reading() }
            return reading
        }
    }

    func add(sql: String, seconds: Double) {
        reading.withLock { reading in
            reading.database += seconds
            if sql.hasPrefix("BEGIN IMMEDIATE") {
                reading.lockWait = (reading.lockWait ?? 0) + seconds
            } else if sql.hasPrefix("COMMIT") {
                reading.commit = (reading.commit ?? 0) + seconds
            }
        }
    }
}

extension DirectoryStore {
    /// From now on, every statement of this store's connection is measured into `meter`.
    public func measureStatements(into meter: StatementMeter) {
        connection.inDatabase { db in
            db.trace(options: .profile) { event in
                guard case .profile(let statement, let duration) = event else { return }
                meter.add(sql: statement.sql, seconds: duration)
            }
        }
    }
}
