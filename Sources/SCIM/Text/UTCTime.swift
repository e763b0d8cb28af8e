import Foundation

/// Times as ScimSync writes them everywhere (stored rows, `meta`, log lines): RFC 3339 in UTC
/// with milliseconds, `2026-12-31T23:59:59.123Z`, so that text order is time order.
public enum UTCTime {
    /// `date` in that form, milliseconds truncated, written digit by digit from the civil date
    /// of its day (Foundation's `ISO8601FormatStyle` cost a tenth of a create, and glibc's
    /// `gmtime_r` takes the process's time-zone lock on every call); nil for a year outside
    /// 0…9999, which has no four-digit form.
    public static func milliseconds(_ date: Date) -> String? {
        // Through whole microseconds first: 0.999 s is 998.99… ms as a Double.
        let microseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard abs(microseconds) < 1e18 else { return nil }
        let totalMilliseconds = floorDivision(Int64(microseconds), by: 1000)
        let days = floorDivision(totalMilliseconds, by: 86_400_000)
        let inDay = Int(totalMilliseconds - days * 86_400_000)
        let (year, month, day) = civilDate(daysSince1970: days)
        guard (0...9999).contains(year) else { return nil }
        return String(unsafeUninitializedCapacity: 24) { text in
            var end = 0
            func put(_ value: Int, digits: Int, then separator: Unicode.Scalar) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    text[end] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    end += 1
                    divisor /= 10
                }
                text[end] = UInt8(ascii: separator)
                end += 1
            }
            put(Int(year), digits: 4, then: "-")
            put(month, digits: 2, then: "-")
            put(day, digits: 2, then: "T")
            put(inDay / 3_600_000, digits: 2, then: ":")
            put(inDay / 60_000 % 60, digits: 2, then: ":")
            put(inDay / 1000 % 60, digits: 2, then: ".")
            put(inDay % 1000, digits: 3, then: "Z")
            return end
        }
    }

    /// The proleptic Gregorian year, month and day of a day counted from 1970-01-01 (Howard
    /// Hinnant's `civil_from_days`: whole 400-year eras, then the day within its era).
    static func civilDate(daysSince1970: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = daysSince1970 + 719_468  // from 0000-03-01, so that a leap day ends its year
        let era = floorDivision(shifted, by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Rounded towards minus infinity, as time before 1970 needs (Swift's `/` rounds towards zero).
    private static func floorDivision(_ value: Int64, by divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
