import Foundation

extension AuditQuery {
    /// What `--since` and the console's "Since" take: an RFC 3339 time, or now minus `<n>m`,
    /// `<n>h` or `<n>d`; nil for anything else.
    public static func instant(_ text: String, now: Date = Date()) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let units: [Character: Double] = ["m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        return now.addingTimeInterval(-amount * unit)
    }
}
