import Foundation

/// Timestamps as the store keeps them: UTC, RFC 3339 with milliseconds, so they sort as text.
enum Timestamp {
    static func now() -> String {
        string(Date())
    }

    static func string(_ date: Date) -> String {
        date.formatted(parseStyle).replacingOccurrences(of: "+0000", with: "Z")
    }

    /// The stored form, for formatting and for reading it back.
    static let parseStyle = Date.ISO8601FormatStyle.iso8601.year().month().day()
        .time(includingFractionalSeconds: true).timeZone(separator: .omitted)
}
