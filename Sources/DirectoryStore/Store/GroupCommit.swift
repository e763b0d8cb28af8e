import Foundation
import GRDB
import Synchronization

/// Group commit: the writes this process's threads ask for together share one `IMMEDIATE`
/// transaction and one commit, so one sync of the WAL to disk makes all of them durable.
///
/// Each write runs in a savepoint of its own: a write that fails is undone alone, and nothing of
/// another write is rolled back with it. Every write returns only after the commit that holds it,
/// so an answer never goes out before its change is on disk. The first thread to find no leader
/// leads: it takes the queued writes (its own among them), runs them on its own connection,
/// commits, and wakes their threads; whatever queues meanwhile goes with the next leader's commit.
final class GroupCommit: @unchecked Sendable {
    /// At most this many writes share one transaction, so that it holds the write lock briefly.
    static let maxWritesPerCommit = 64

    /// One per database file, for every store of the process that opens it.
    static func forDatabase(at path: String) -> GroupCommit {
        registry.withLock { committers in
            if let committer = committers[path] { return committer }
            let committer = GroupCommit()
            committers[path] = committer
            return committer
        }
    }

    private static let registry = Mutex<[String: GroupCommit]>([:])

    /// Guards `queue` and `leading`; threads whose writes are queued wait on it.
    private let condition = NSCondition()
    private var queue: [QueuedWrite] = []
    private var leading = false
    /// Transactions committed (or tried) for queued writes, and writes queued now: what the
    /// tests watch to see writes share commits.
    private(set) var commits = 0
    var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// When a write got the write lock, finished its work, and was committed.
    struct Timing {
        var began: ContinuousClock.Instant
        var worked: ContinuousClock.Instant
    }

    /// Runs `updates` in the next shared transaction, on `connection` if this thread leads it,
    /// and returns once that transaction is committed.
    func write<T>(on connection: DatabaseQueue, _ updates: (Database) throws -> T) throws -> (T, Timing) {
        try withoutActuallyEscaping(updates) { updates in
            var outcome: Result<T, any Error>?
            let write = QueuedWrite { db in
                outcome = Result { try Self.inSavepoint(db, updates) }
                if case .failure = outcome { return false }
                return true
            }
            condition.lock()
            queue.append(write)
            while !write.done {
                guard !leading else {
                    condition.wait()
                    continue
                }
                let batch = Array(queue.prefix(Self.maxWritesPerCommit))
                queue.removeFirst(batch.count)
                leading = true
                commits += 1
                condition.unlock()
                Self.commit(batch, on: connection)
                // No write's closure may outlive its thread's wait (`withoutActuallyEscaping`).
                for queued in batch { queued.run = nil }
                condition.lock()
                for queued in batch { queued.done = true }
                leading = false
                condition.broadcast()
            }
            condition.unlock()
            if let failure = write.failure { throw failure }
            return (try outcome!.get(), Timing(began: write.began, worked: write.worked))
        }
    }

    /// Runs `body` in a transaction of its own on `connection`, as the leader (queued writes of
    /// other threads wait for the next commit): for a request whose several writes go together.
    func exclusive<T>(on connection: DatabaseQueue, _ body: (Database) throws -> T) throws -> T {
        condition.lock()
        while leading { condition.wait() }
        leading = true
        condition.unlock()
        defer {
            condition.lock()
            leading = false
            condition.broadcast()
            condition.unlock()
        }
        return try connection.write { db in
            let result = try body(db)
            // Else SQLite rolled it back under one of the writes: none of them is on disk.
            guard db.isInsideTransaction else { throw Self.transactionEnded }
            return result
        }
    }

    static let transactionEnded = StoreError.invalid("SQLite ended the transaction under a write; nothing of it was kept")

    /// One transaction for `batch`, a savepoint each. When the transaction itself fails (the
    /// write lock never came, the commit failed, or SQLite rolled the transaction back under a
    /// write), every write of the batch that did not fail by itself fails with it: none of them
    /// is on disk.
    private static func commit(_ batch: [QueuedWrite], on connection: DatabaseQueue) {
        do {
            try connection.write { db in
                let began = ContinuousClock.now
                for write in batch {
                    write.began = began
                    write.failedAlone = !(write.run?(db) ?? true)
                    write.worked = .now
                    guard db.isInsideTransaction else { throw transactionEnded }
                }
            }
        } catch {
            for write in batch where !write.failedAlone { write.failure = error }
        }
    }

    /// `updates` in a savepoint: undone alone when it throws.
    static func inSavepoint<T>(_ db: Database, _ updates: (Database) throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try updates(db)
            return .commit
        }
        return result!
    }
}

/// A write waiting for its shared transaction; its fields are set by the leading thread and read
/// by its own thread after the leader's wake-up (both under the ``GroupCommit``'s lock).
private final class QueuedWrite: @unchecked Sendable {
    /// Runs the write in its savepoint; false when it failed (and was undone). Dropped once run.
    var run: ((Database) -> Bool)?
    var done = false
    var failedAlone = false
    /// Set when the shared transaction failed: the write is not on disk.
    var failure: (any Error)?
    var began = ContinuousClock.now
    var worked = ContinuousClock.now

    init(_ run: @escaping (Database) -> Bool) {
        self.run = run
    }
}
