import Foundation
import Testing

@testable import DirectoryStore

/// Stored timestamps: the hand-written form is Foundation's RFC 3339 form, read back to the same millisecond.
@Suite struct TimestampTests {
    /// Whole milliseconds, so that no rounding rule can tell the two apart.
    static let samples: [Int64] = [
        0, 999, 1_000, -1, -999, -1_000, -86_400_001,
        951_782_400_000,  // 2000-02-29T00:00:00.000Z
        1_709_251_199_999,  // 2024-02-29T23:59:59.999Z
        1_798_761_599_123,  // 2026-12-31T23:59:59.123Z
        4_102_444_800_000,  // 2100-01-01T00:00:00.000Z
        253_402_300_799_999,  // 9999-12-31T23:59:59.999Z
    ]

    @Test func matchesFoundationsFormat() {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<2_000).map { _ in Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &generator) }
        for milliseconds in Self.samples + random {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = Timestamp.string(date)
            // Foundation truncates a Double that can fall just short of the millisecond: half a
            // millisecond more makes it land on it.
            #expect(text == Timestamp.foundationString(date.addingTimeInterval(0.000_5)), "\(milliseconds) ms")
            #expect(Timestamp.isStored(text), "\(text)")
            let back = try? Date(text, strategy: Timestamp.parseStyle)
            #expect(back.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == milliseconds, "\(text)")
        }
    }

    @Test func truncatesToTheMillisecond() {
        let date = Date(timeIntervalSince1970: 1_798_761_599.123_9)
        #expect(Timestamp.string(date) == "2026-12-31T23:59:59.123Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: -0.000_5)) == "1969-12-31T23:59:59.999Z")
    }

    @Test func aYearPastFourDigitsIsFoundations() {
        let date = Date(timeIntervalSince1970: 253_402_300_800)  // 10000-01-01
        #expect(Timestamp.string(date) == Timestamp.foundationString(date))
    }
}
