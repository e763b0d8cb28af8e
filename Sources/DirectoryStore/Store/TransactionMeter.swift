import Synchronization

/// Adds up the time one store spent in database transactions: read snapshots, and write
/// transactions with their wait for the write lock (this process's threads queue for it, other
/// processes' writers hold it) and their commit (which syncs the WAL to disk) apart. The
/// responder reads and resets it once per request, for its log line and its metrics. (SQLite's
/// own statement profile counts whole milliseconds only, so it cannot serve.)
public final class TransactionMeter: Sendable {
    /// Seconds, since the last ``take()``.
    public struct Reading: Sendable, Equatable {
        /// In transactions, waits for the write lock included.
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

    /// A read snapshot that began at `started` ends now.
    func read(since started: ContinuousClock.Instant) {
        let seconds = Self.seconds(started.duration(to: .now))
        reading.withLock { $0.database += seconds }
    }

    /// A write transaction asked for at `requested` got the lock at `began`, finished its work at
    /// `worked` and has committed now.
    func write(requested: ContinuousClock.Instant, began: ContinuousClock.Instant, worked: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        let (total, wait, commit) = (requested.duration(to: now), requested.duration(to: began), worked.duration(to: now))
        reading.withLock { reading in
            reading.database += Self.seconds(total)
            reading.lockWait = (reading.lockWait ?? 0) + Self.seconds(wait)
            reading.commit = (reading.commit ?? 0) + Self.seconds(commit)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
