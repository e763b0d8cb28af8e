import Foundation
import GRDB
import Synchronization

/// Group commit: the writes this process's threads ask for together share one `IMMEDIATE`
/// transaction and one commit, so one sync of the WAL to disk makes all of them durable.
///
/// Each write runs in a savepoint of its own: a write that fails is undone alone, and nothing of
/// another write is rolled back with it. Every write returns only after the commit that holds it,
/// so an answer never goes out before its change is on disk. The first thread to find no leader
/// leads: it takes the queued writes (its own among them), runs them on the process's writer
/// connection, commits, and wakes their threads; whatever queued meanwhile goes with the next
/// commit, led by the thread of the first write in the queue.
///
/// The writer connection is one per process and database file, used by one leader at a time:
/// SQLite drops a connection's whole page cache when another connection has committed since its
/// last transaction, so a leader running on its own worker's connection re-read most pages a
/// create touches, inside the write lock.
final class GroupCommit: @unchecked Sendable {
    /// At most this many writes share one transaction, so that it holds the write lock briefly.
    static let maxWritesPerCommit = 64

    /// One per database file, for every store of the process that opens it, while any of them
    /// is open; `open` makes its writer connection.
    static func forDatabase(at path: String, open: () throws -> DatabaseQueue) throws -> GroupCommit {
        try registry.withLock { committers in
            if let committer = committers[path]?.committer { return committer }
            let committer = GroupCommit(writer: try open())
            committers[path] = Registered(committer: committer)
            return committer
        }
    }

    /// Weak, so that the writer connection closes with the last store of its file.
    private struct Registered {
        weak var committer: GroupCommit?
    }
    private static let registry = Mutex<[String: Registered]>([:])

    /// Only the leading thread uses it.
    private let writer: DatabaseQueue

    private init(writer: DatabaseQueue) {
        self.writer = writer
    }

    /// Guards `queue`, `leading` and `commits`. A queued thread sleeps on its entry's own
    /// semaphore, so a commit wakes the threads whose writes it held and the next leader, not
    /// every waiting thread (a broadcast woke them all, to find most of them not done).
    private let lock = NSLock()
    private var queue: [QueuedWrite] = []
    private var leading = false
    /// Transactions committed (or tried) for queued writes, and writes queued now: what the
    /// tests watch to see writes share commits.
    private(set) var commits = 0
    var queued: Int {
        lock.lock()
        defer { lock.unlock() }
        return queue.count
    }

    /// When a write got the write lock, finished its work, and was committed.
    struct Timing {
        var began: ContinuousClock.Instant
        var worked: ContinuousClock.Instant
    }

    /// Runs `updates` in the next shared transaction, on the writer connection, and returns once
    /// that transaction is committed.
    func write<T>(_ updates: (Database) throws -> T) throws -> (T, Timing) {
        try withoutActuallyEscaping(updates) { updates in
            var outcome: Result<T, any Error>?
            let write = QueuedWrite { db in
                outcome = Result { try Self.inSavepoint(db, updates) }
                if case .failure = outcome { return false }
                return true
            }
            if awaitTurn(write) { lead(holding: write) }
            if let failure = write.failure { throw failure }
            return (try outcome!.get(), Timing(began: write.began, worked: write.worked))
        }
    }

    /// Runs `body` in a transaction of its own on `connection`, as the leader (queued writes of
    /// other threads wait for the next commit): for a request whose several writes go together.
    func exclusive<T>(on connection: DatabaseQueue, _ body: (Database) throws -> T) throws -> T {
        let turn = QueuedWrite(exclusive: true)
        _ = awaitTurn(turn)
        lock.lock()
        queue.removeFirst()
        lock.unlock()
        defer { handOver(after: []) }
        return try connection.write { db in
            let result = try body(db)
            // Else SQLite rolled it back under one of the writes: none of them is on disk.
            guard db.isInsideTransaction else { throw Self.transactionEnded }
            return result
        }
    }

    /// Queues `entry` and returns true once its thread leads (no one led, or the last leader
    /// handed over to it: it is first in the queue), or false once another leader committed it.
    private func awaitTurn(_ entry: QueuedWrite) -> Bool {
        lock.lock()
        queue.append(entry)
        if !leading {
            leading = true
            lock.unlock()
            return true
        }
        lock.unlock()
        entry.wake.wait()
        return !entry.done
    }

    /// Commits the writes at the head of the queue (`own` among them: it is first), then hands over.
    private func lead(holding own: QueuedWrite) {
        lock.lock()
        let batch = Array(queue.prefix { !$0.exclusive }.prefix(Self.maxWritesPerCommit))
        queue.removeFirst(batch.count)
        commits += 1
        lock.unlock()
        Self.commit(batch, on: writer)
        // No write's closure may outlive its thread's wait (`withoutActuallyEscaping`).
        for queued in batch { queued.run = nil }
        handOver(after: batch.filter { $0 !== own })
    }

    /// Marks `batch` done and wakes its threads, and the thread of the next queued write, which
    /// leads next; with nothing queued, no one leads.
    private func handOver(after batch: [QueuedWrite]) {
        lock.lock()
        for queued in batch { queued.done = true }
        let next = queue.first
        if next == nil { leading = false }
        lock.unlock()
        for queued in batch { queued.wake.signal() }
        next?.wake.signal()
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

/// A write waiting for its shared transaction, or a thread waiting to run an exclusive one; its
/// fields are set by the leading thread before it signals `wake`, and read by its own thread after.
private final class QueuedWrite: @unchecked Sendable {
    /// Runs the write in its savepoint; false when it failed (and was undone). Dropped once run.
    var run: ((Database) -> Bool)?
    /// An exclusive transaction's turn: never part of a shared commit.
    let exclusive: Bool
    let wake = DispatchSemaphore(value: 0)
    var done = false
    var failedAlone = false
    /// Set when the shared transaction failed: the write is not on disk.
    var failure: (any Error)?
    var began = ContinuousClock.now
    var worked = ContinuousClock.now

    init(_ run: @escaping (Database) -> Bool) {
        self.run = run
        exclusive = false
    }

    init(exclusive: Bool) {
        self.exclusive = exclusive
    }
}
