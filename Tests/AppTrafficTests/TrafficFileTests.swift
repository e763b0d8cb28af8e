import AppTraffic
import Foundation
import Testing

@Suite struct TrafficFileTests {
    let hour: Int64 = 3_600_000_000_000

    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("traffic-\(UUID().uuidString)").path
    }

    @Test func twoHandlesShareOneBucketAndOneSetOfCounters() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Two handles are what two responder processes have: each its own open file and mapping.
        let first = try TrafficFile(path: path, writable: true)
        let second = try TrafficFile(path: path, writable: true)
        let app = TrafficKey(id: 7, name: "okta")
        let limit = RateLimit(perSecond: 1, burst: 3)
        let now = 500 * hour
        #expect(first.admit(app, limit: limit, now: now) == .allowed)
        #expect(second.admit(app, limit: limit, now: now) == .allowed)
        #expect(first.admit(app, limit: limit, now: now) == .allowed)
        #expect(second.admit(app, limit: limit, now: now) == .limited(retryAfterSeconds: 1))
        first.record(app, .success, now: now)
        second.record(app, .error, now: now)
        second.record(app, .rateLimited, now: now + 1_000_000)
        let reader = try TrafficFile(path: path, writable: false)
        let counts = try #require(reader.counts()[7])
        #expect(counts.counts == AppTrafficCounts(requests: 3, errors: 1, rateLimited: 1, lastContactMilliseconds: (now + 1_000_000) / 1_000_000))
        #expect(counts.name == TrafficKey.hash("okta"))
    }

    /// Threads of two handles (two processes) change the words at once, without a lock: no
    /// count is lost and the bucket hands out exactly its burst.
    @Test func concurrentWritersLoseNoCountAndShareOneBurst() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handles = [try TrafficFile(path: path, writable: true), try TrafficFile(path: path, writable: true)]
        let app = TrafficKey(id: 9, name: "entra")
        let limit = RateLimit(perSecond: 1, burst: 1000)
        let now = 600 * hour
        let admitted = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var allowed = 0
                    for request in 0..<500 {
                        let file = handles[worker % 2]
                        if file.admit(app, limit: limit, now: now) == .allowed { allowed += 1 }
                        file.record(app, request % 5 == 0 ? .error : .success, now: now + Int64(request))
                    }
                    return allowed
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 1000)
        let counts = try #require(try TrafficFile(path: path, writable: false).counts()[9]).counts
        #expect(counts == AppTrafficCounts(requests: 4000, errors: 800, rateLimited: 0, lastContactMilliseconds: (now + 499) / 1_000_000))
        let thisHour = try #require(try TrafficFile(path: path, writable: false).counts(sinceHour: 600)[9]).counts
        #expect(thisHour.requests == 4000 && thisHour.errors == 800)
    }

    @Test func sinceCountsOnlyTheHoursFromThen() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try TrafficFile(path: path, writable: true)
        let app = TrafficKey(id: 1, name: "entra")
        for _ in 0..<4 { file.record(app, .success, now: 1_000 * hour) }
        for _ in 0..<2 { file.record(app, .error, now: 1_002 * hour + 5) }
        #expect(file.counts()[1]?.counts.requests == 6)
        #expect(
            file.counts(sinceHour: 1_001)[1]?.counts
                == AppTrafficCounts(requests: 2, errors: 2, lastContactMilliseconds: (1_002 * hour + 5) / 1_000_000)
        )
        // An hour's bucket, reused a week later, starts from zero.
        file.record(app, .success, now: (1_000 + Int64(TrafficFile.hoursKept)) * hour)
        #expect(file.counts(sinceHour: 1_000)[1]?.counts.requests == 3)
    }

    @Test func anAppIdReusedUnderAnotherNameStartsFromZero() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try TrafficFile(path: path, writable: true)
        file.record(TrafficKey(id: 3, name: "old"), .success, now: hour)
        file.record(TrafficKey(id: 3, name: "new"), .success, now: hour)
        #expect(file.counts()[3]?.counts.requests == 1)
        #expect(file.counts()[3]?.name == TrafficKey.hash("new"))
    }

    @Test func theFileIsPrivate() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let previous = umask(0)
        defer { umask(previous) }
        _ = try TrafficFile(path: path, writable: true)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aMissingFileOpenedForReadingIsAnError() {
        #expect(throws: TrafficFileError.self) { try TrafficFile(path: temporaryPath(), writable: false) }
    }

    @Test func aFileWhoseCountersWereSetToTheLargestNumbersStillCounts() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try TrafficFile(path: path, writable: true)
        let app = TrafficKey(id: 9, name: "okta")
        let now = 500 * hour
        file.record(app, .success, now: now)
        // Whoever can write the file can put any number in it: every counter word of the slot.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        var words = [Int64](repeating: 0, count: Int(size) / 8)
        try handle.seek(toOffset: 0)
        _ = try handle.readToEnd().map { data in data.withUnsafeBytes { words = Array($0.bindMemory(to: Int64.self)) } }
        for index in words.indices where index > 8 && words[index] == 1 { words[index] = Int64.max }  // the counts of one success
        try handle.seek(toOffset: 0)
        handle.write(words.withUnsafeBytes { Data($0) })
        try handle.close()
        file.record(app, .error, now: now)
        file.record(app, .rateLimited, now: now)
        _ = file.counts(sinceHour: 0)
        _ = file.counts()
    }
}
