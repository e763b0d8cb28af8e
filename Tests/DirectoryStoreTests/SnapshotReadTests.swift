import Foundation
import GRDB
import Synchronization
import Testing

@testable import DirectoryStore

/// Reads inside a snapshot use its connection directly, but only on the snapshot's own thread:
/// another thread's read on the same store still waits for the connection.
@Suite struct SnapshotReadTests {
    @Test func anotherThreadsReadWaitsForTheSnapshotToEnd() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let otherRead = DispatchSemaphore(value: 0)
        let readEnded = Atomic<Bool>(false)
        let thread = Thread {
            otherRead.wait()
            _ = try? store.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
            readEnded.store(true, ordering: .sequentiallyConsistent)
        }
        thread.start()
        let endedInside = try store.snapshot {
            // The snapshot's own read goes through at once.
            let own = try store.read { db in try Int.fetchOne(db, sql: "SELECT 2") }
            #expect(own == 2)
            otherRead.signal()
            Thread.sleep(forTimeInterval: 0.3)
            return readEnded.load(ordering: .sequentiallyConsistent)
        }
        #expect(!endedInside, "another thread's read ran on the snapshot's connection")
        for _ in 0..<200 where !readEnded.load(ordering: .sequentiallyConsistent) { Thread.sleep(forTimeInterval: 0.01) }
        let endedAfter = readEnded.load(ordering: .sequentiallyConsistent)
        #expect(endedAfter)
    }
}
