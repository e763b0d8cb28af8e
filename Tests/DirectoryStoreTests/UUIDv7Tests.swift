import Foundation
import Testing

@testable import DirectoryStore

/// Server-assigned ids are time-ordered version 7 UUIDs, in lowercase.
@Suite struct UUIDv7Tests {
    private let form = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

    @Test func anIdIsAVersion7UUIDOfItsMillisecond() throws {
        let date = Date(timeIntervalSince1970: 1_796_187_600.123)
        let id = UUIDv7.make(at: date)
        #expect(id.wholeMatch(of: form) != nil, "\(id)")
        #expect(try #require(UUID(uuidString: id)).uuidString.lowercased() == id, "written the way Foundation writes it")
        let hex = id.replacingOccurrences(of: "-", with: "")
        #expect(UInt64(hex.prefix(12), radix: 16) == 1_796_187_600_123)
    }

    @Test func idsMadeLaterSortAfterAndNoTwoAreAlike() {
        let start = Date(timeIntervalSince1970: 1_796_187_600)
        // Half a millisecond in: a time's rounding does not move it into the millisecond before.
        let ids = (0..<2_000).map { UUIDv7.make(at: start.addingTimeInterval((Double($0) + 0.5) / 1000)) }
        let ordered = zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }
        #expect(ordered, "one a millisecond: in order of time")
        let sameMillisecond = (0..<2_000).map { _ in UUIDv7.make(at: start) }
        let distinct = Set(sameMillisecond).count
        #expect(distinct == sameMillisecond.count, "74 random bits apart within a millisecond")
        #expect(sameMillisecond.allSatisfy { $0.wholeMatch(of: form) != nil })
    }
}
