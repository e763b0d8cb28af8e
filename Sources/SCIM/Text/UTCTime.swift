import Foundation

/// Times as ScimSync writes them everywhere (stored rows, `meta`, log lines): RFC 3339 in UTC
/// with milliseconds, `2026-12-31T23:59:59.123Z`, so that text order is time order.
public enum UTCTime {
    /// `date` in that form, milliseconds truncated, written digit by digit from `gmtime_r(3)`
    /// (Foundation's `ISO8601FormatStyle` cost a tenth of a create); nil for a year outside
    /// 0…9999, which has no four-digit form.
    public static func milliseconds(_ date: Date) -> String? {
        // Through whole microseconds first: 0.999 s is 998.99… ms as a Double.
        let microseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard abs(microseconds) < 1e18 else { return nil }
        let totalMilliseconds = floorDivision(Int64(microseconds), by: 1000)
        var seconds = time_t(floorDivision(totalMilliseconds, by: 1000))
        var fields = tm()
        guard gmtime_r(&seconds, &fields) != nil else { return nil }
        let year = Int(fields.tm_year) + 1900
        guard (0...9999).contains(year) else { return nil }
        let parts = [
            (year, 4), (Int(fields.tm_mon) + 1, 2), (Int(fields.tm_mday), 2), (Int(fields.tm_hour), 2),
            (Int(fields.tm_min), 2), (Int(fields.tm_sec), 2), (Int(totalMilliseconds - Int64(seconds) * 1000), 3),
        ]
        return String(unsafeUninitializedCapacity: 24) { text in
            var end = 0
            for ((value, digits), separator) in zip(parts, "--T::.Z".utf8) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    text[end] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    end += 1
                    divisor /= 10
                }
                text[end] = separator
                end += 1
            }
            return end
        }
    }

    /// Rounded towards minus infinity, as time before 1970 needs (Swift's `/` rounds towards zero).
    private static func floorDivision(_ value: Int64, by divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
