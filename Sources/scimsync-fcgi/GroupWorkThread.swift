import DirectoryStore
import Foundation
import ScimService

/// The responder's background thread for queued group work (``GroupWork``): on a connection of
/// its own, it runs one batch at a time, pausing between batches so that IdP writes waiting for the
/// write lock get it, and looks for new work every second. Each process has one; the queue's
/// leases keep two processes off one job, and a job left by a crashed process is taken over once
/// its lease has passed, so a restart finishes what was left.
enum GroupWorkThread {
    /// The pause after a batch, in which waiting writers take the lock.
    static let pauseMicroseconds: UInt32 = 10_000
    /// How often an idle thread looks at the queue.
    static let pollMicroseconds: UInt32 = 1_000_000
    /// A batch that held the write lock longer than this is logged by itself.
    static let slowBatchSeconds = 0.1

    /// One job's batches so far, for the line logged when it finishes.
    private struct Progress {
        var batches = 0
        var changes = 0
        var started = Date()
        var longest = 0.0
    }

    static func start(databasePath: String) throws {
        let store = try DirectoryStore(path: databasePath, migrate: false)
        let owner = "responder:\(getpid()):\(UUID().uuidString)"
        let thread = Thread { run(store, owner: owner) }
        thread.name = "group-work"
        thread.start()
    }

    private static func run(_ store: DirectoryStore, owner: String) {
        var progress: [String: Progress] = [:]
        var idle = false
        while true {
            do {
                // An idle thread only reads, so it never takes the write lock while nothing is queued.
                guard try !idle || store.hasGroupWork(), let batch = try store.runGroupWorkBatch(owner: owner) else {
                    idle = true
                    usleep(pollMicroseconds)
                    continue
                }
                idle = false
                let key = "\(batch.operation) \(batch.groupID)"
                var job = progress[key] ?? Progress()
                job.batches += 1
                job.changes += batch.changes.count
                job.longest = max(job.longest, batch.seconds)
                if batch.seconds > slowBatchSeconds {
                    ServiceLog.note("group work: \(key): a batch held the write lock \(milliseconds(batch.seconds)) ms")
                }
                if batch.finished {
                    ServiceLog.note(
                        "group work: \(batch.operation) of group \(batch.groupID) finished: \(job.batches) batches here, "
                            + "\(job.changes) changes, \(String(format: "%.2f", Date().timeIntervalSince(job.started))) s, "
                            + "longest batch \(milliseconds(job.longest)) ms"
                    )
                    progress[key] = nil
                } else {
                    progress[key] = job
                }
                usleep(pauseMicroseconds)
            } catch {
                ServiceLog.error("group work: \(error)")
                usleep(pollMicroseconds)
            }
        }
    }

    private static func milliseconds(_ seconds: Double) -> String {
        String(format: "%.1f", seconds * 1000)
    }
}
