import Foundation
import SCIM

/// Timestamps as the store keeps them: UTC, RFC 3339 with milliseconds, so they sort as text.
package enum Timestamp {
    package static func now() -> String {
        string(Date())
    }

    /// ``UTCTime/milliseconds(_:)``, or Foundation's form for a year past four digits (only a
    /// filter's date can be one).
    package static func string(_ date: Date) -> String {
        UTCTime.milliseconds(date) ?? foundationString(date)
    }

    /// Foundation's RFC 3339 form: what the stored form is read back with.
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
