import Foundation

/// Timestamps as the store keeps them: UTC, RFC 3339 with milliseconds, so they sort as text.
package enum Timestamp {
    package static func now() -> String {
        string(Date())
    }

    /// Written digit by digit from `gmtime_r(3)`, milliseconds truncated: Foundation's format
    /// style and the `+0000` → `Z` replacement took a tenth of a `/Bulk` create's time (and
    /// wrote 0.999 s as `.998`).
    package static func string(_ date: Date) -> String {
        // Through whole microseconds first: 0.999 s is 998.99… ms as a Double.
        let microseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard abs(microseconds) < 1e18 else { return foundationString(date) }
        let whole = Int64(microseconds) >= 0 ? Int64(microseconds) / 1000 : (Int64(microseconds) - 999) / 1000
        var seconds = time_t(whole >= 0 ? whole / 1000 : (whole - 999) / 1000)
        var fields = tm()
        guard gmtime_r(&seconds, &fields) != nil else { return foundationString(date) }
        let year = Int(fields.tm_year) + 1900
        guard (0...9999).contains(year) else { return foundationString(date) }
        let millisecond = Int(whole - Int64(seconds) * 1000)
        return String(unsafeUninitializedCapacity: 24) { text in
            var end = 0
            func put(_ value: Int, digits: Int, then separator: UInt8?) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    text[end] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    end += 1
                    divisor /= 10
                }
                if let separator {
                    text[end] = separator
                    end += 1
                }
            }
            put(year, digits: 4, then: UInt8(ascii: "-"))
            put(Int(fields.tm_mon) + 1, digits: 2, then: UInt8(ascii: "-"))
            put(Int(fields.tm_mday), digits: 2, then: UInt8(ascii: "T"))
            put(Int(fields.tm_hour), digits: 2, then: UInt8(ascii: ":"))
            put(Int(fields.tm_min), digits: 2, then: UInt8(ascii: ":"))
            put(Int(fields.tm_sec), digits: 2, then: UInt8(ascii: "."))
            put(millisecond, digits: 3, then: UInt8(ascii: "Z"))
            return end
        }
    }

    /// Foundation's form of the same, for years outside 0…9999 (only a filter's date can be).
    static func foundationString(_ date: Date) -> String {
        date.formatted(parseStyle).replacingOccurrences(of: "+0000", with: "Z")
    }

    /// Whether `text` is a time in the stored form (`2026-11-23T17:22:11.123Z`).
    package static func isStored(_ text: String) -> Bool {
        text.utf8.count == 24 && text.hasSuffix("Z") && text.dropFirst(19).first == "."
            && (try? Date(text, strategy: parseStyle)) != nil
    }

    /// The stored form, for formatting and for reading it back.
    package static let parseStyle = Date.ISO8601FormatStyle.iso8601.year().month().day()
        .time(includingFractionalSeconds: true).timeZone(separator: .omitted)

    /// Any RFC 3339 UTC time (`…:05Z`, `…:05.5Z`, `…:05.123456Z`) in the stored form, or nil: a
    /// time is kept only in the form the store reads back, so text order is time order and no
    /// expiry is ever unreadable.
    package static func stored(_ text: String) -> String? {
        // Already in the stored form: kept as it is, since a trip through Date can round the milliseconds.
        if isStored(text) { return text }
        guard let date = (try? Date(text, strategy: parseStyle)) ?? (try? Date(text, strategy: .iso8601)) else { return nil }
        return string(date)
    }
}
