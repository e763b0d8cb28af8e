import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or a query string, in order;
/// a name may repeat (the rows of a table).
public struct FormData: Sendable, Equatable {
    /// The most fields one form may have: the largest screen (a mapping table) has a few hundred.
    public static let maxFields = 2000

    public private(set) var fields: [(name: String, value: String)]

    public static func == (a: FormData, b: FormData) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public init(fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// Parses `text`; a malformed escape, text that is not UTF-8 or too many fields is refused.
    public init(parsing text: String) throws(ConsoleError) {
        var fields: [(name: String, value: String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            guard fields.count < Self.maxFields else {
                throw ConsoleError.badRequest("The form has more than \(Self.maxFields) fields (limit formMaxFields = \(Self.maxFields)).")
            }
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = URLText.decode(pair[0]), let value = URLText.decode(pair.count > 1 ? pair[1] : "") else {
                throw ConsoleError.badRequest("The form is not well-formed (a bad %-escape or text that is not UTF-8).")
            }
            fields.append((name, value))
        }
        self.fields = fields
    }

    /// The first value of `name`, or nil.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// The value of `name`, trimmed; nil when absent or blank.
    public func trimmed(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Whether a checkbox named `name` was ticked.
    public func isChecked(_ name: String) -> Bool {
        self[name] != nil
    }
}
