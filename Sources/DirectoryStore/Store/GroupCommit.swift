import Foundation
import GRDB
import Synchronization

/// Group commit: the writes this process's threads ask for together share one `IMMEDIATE`
/// transaction and one commit, so one sync of the WAL to disk makes all of them durable.
///
/// Each write runs in a savepoint of its own: a write that fails is undone alone, and nothing of
/// another write is rolled back with it. Every write returns only after the commit that holds it,
/// so an answer never goes out before its change is on disk.
///
/// One thread per process and database file, the committer, runs the writes on a connection of
/// its own: it takes every write queued (up to ``maxWritesPerCommit``), runs them, commits, wakes
/// their threads, and goes on with what queued meanwhile. One thread on one connection because
/// SQLite drops a connection's whole page cache when another connection has committed since its
/// last transaction (a create then re-read most of its pages inside the write lock), and because
/// handing the lead from thread to thread cost a wake-up and a wait for a core between commits.
final class GroupCommit: @unchecked Sendable {
    /// At most this many writes share one transaction, so that it holds the write lock briefly.
    static let maxWritesPerCommit = 64

    /// One per database file, for every store of the process that opens it, while any of them
    /// is open; `open` makes its writer connection.
    static func forDatabase(at path: String, open: () throws -> DatabaseQueue) throws -> GroupCommit {
        try registry.withLock { committers in
            if let committer = committers[path]?.committer { return committer }
            let committer = GroupCommit(queue: WriteQueue(writer: try open()))
            committers[path] = Registered(committer: committer)
            return committer
        }
    }

    /// Weak, so that the committer thread ends, and its connection closes, with the last store
    /// of its file.
    private struct Registered {
        weak var committer: GroupCommit?
    }
    private static let registry = Mutex<[String: Registered]>([:])

    private let queue: WriteQueue

    private init(queue: WriteQueue) {
        self.queue = queue
        let thread = Thread { [queue] in queue.commitUntilClosed() }
        thread.name = "scimsync-commit"
        // As much as a worker's: the writes it runs are the workers' own.
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit {
        queue.close()
    }

    /// Transactions committed (or tried) for queued writes, and writes queued now: what the
    /// tests watch to see writes share commits.
    var commits: Int { queue.commits }
    var queued: Int { queue.count }

    /// When a write got the write lock, finished its work, and was committed.
    struct Timing {
        var began: ContinuousClock.Instant
        var worked: ContinuousClock.Instant
    }

    /// Runs `updates` in the next shared transaction, on the committer's connection, and returns
    /// once that transaction is committed; `beforeWait` runs just before the thread sleeps.
    func write<T>(_ updates: (Database) throws -> T, beforeWait: () -> Void = {}) throws -> (T, Timing) {
        try withoutActuallyEscaping(updates) { updates in
            var outcome: Result<T, any Error>?
            let write = QueuedWrite { db in
                outcome = Result { try db.inCachedSavepoint { try updates(db) } }
                if case .failure = outcome { return false }
                return true
            }
            queue.append(write)
            beforeWait()
            write.wake.wait()
            if let failure = write.failure { throw failure }
            return (try outcome!.get(), Timing(began: write.began, worked: write.worked))
        }
    }

    /// Runs `body` in a transaction of its own on `connection`, in its turn among the queued
    /// writes (those queued after it wait for it): for a request whose several writes go together.
    func exclusive<T>(on connection: DatabaseQueue, beforeWait: () -> Void = {}, _ body: (Database) throws -> T) throws -> T {
        let turn = QueuedWrite(exclusive: true)
        queue.append(turn)
        beforeWait()
        turn.wake.wait()
        defer { turn.finished.signal() }
        return try connection.write { db in
            let result = try body(db)
            // Else SQLite rolled it back under one of the writes: none of them is on disk.
            guard db.isInsideTransaction else { throw Self.transactionEnded }
            return result
        }
    }

    static let transactionEnded = StoreError.invalid("SQLite ended the transaction under a write; nothing of it was kept")
}

/// The writes waiting for the committer thread, and that thread's loop.
private final class WriteQueue: @unchecked Sendable {
    /// Guards `entries`, `idle`, `closed` and `commits`.
    private let lock = NSLock()
    private var entries: [QueuedWrite] = []
    /// The committer sleeps on `work` when nothing is queued.
    private var idle = false
    private let work = DispatchSemaphore(value: 0)
    private var closed = false
    private(set) var commits = 0
    /// Only the committer thread uses it.
    private let writer: DatabaseQueue

    init(writer: DatabaseQueue) {
        self.writer = writer
    }

    var count: Int {
        lock.withLock { entries.count }
    }

    func append(_ entry: QueuedWrite) {
        changeAndWake { entries.append(entry) }
    }

    /// Ends the committer thread once the queue is empty.
    func close() {
        changeAndWake { closed = true }
    }

    /// Makes `change` under the lock, then wakes the committer if it sleeps.
    private func changeAndWake(_ change: () -> Void) {
        let wasIdle = lock.withLock {
            change()
            defer { idle = false }
            return idle
        }
        if wasIdle { work.signal() }
    }

    func commitUntilClosed() {
        while let next = nextTurn() {
            switch next {
            case .batch(let batch): commit(batch)
            case .exclusive(let turn):
                turn.wake.signal()
                turn.finished.wait()
            }
        }
    }

    private enum Turn {
        case batch([QueuedWrite])
        case exclusive(QueuedWrite)
    }

    /// The queued writes up to the first exclusive turn, or that turn; nil once closed and empty.
    private func nextTurn() -> Turn? {
        while true {
            lock.lock()
            if let first = entries.first {
                defer { lock.unlock() }
                if first.exclusive { return .exclusive(entries.removeFirst()) }
                let batch = Array(entries.prefix { !$0.exclusive }.prefix(GroupCommit.maxWritesPerCommit))
                entries.removeFirst(batch.count)
                commits += 1
                return .batch(batch)
            }
            if closed {
                lock.unlock()
                return nil
            }
            idle = true
            lock.unlock()
            work.wait()
        }
    }

    /// One transaction for `batch`, a savepoint each, then wakes the batch's threads. When the
    /// transaction itself fails (the write lock never came, the commit failed, or SQLite rolled
    /// the transaction back under a write), every write of the batch that did not fail by itself
    /// fails with it: none of them is on disk.
    private func commit(_ batch: [QueuedWrite]) {
        do {
            try writer.write { db in
                let began = ContinuousClock.now
                for write in batch {
                    write.began = began
                    write.failedAlone = !(write.run?(db) ?? true)
                    write.worked = .now
                    guard db.isInsideTransaction else { throw GroupCommit.transactionEnded }
                }
            }
        } catch {
            for write in batch where !write.failedAlone { write.failure = error }
        }
        for write in batch {
            // No write's closure may outlive its thread's wait (`withoutActuallyEscaping`).
            write.run = nil
            write.wake.signal()
        }
    }
}

/// A write waiting for its shared transaction, or a thread waiting to run an exclusive one; its
/// fields are set by the committer thread before it signals `wake`, and read by its own thread after.
private final class QueuedWrite: @unchecked Sendable {
    /// Runs the write in its savepoint; false when it failed (and was undone). Dropped once run.
    var run: ((Database) -> Bool)?
    /// An exclusive transaction's turn: never part of a shared commit.
    let exclusive: Bool
    let wake = DispatchSemaphore(value: 0)
    /// Signalled by an exclusive turn's thread when its transaction has ended.
    let finished = DispatchSemaphore(value: 0)
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
