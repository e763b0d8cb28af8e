import Foundation

/// How commands print: JSON with sorted keys for scripts, aligned columns for people.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// The SCIM base URL an IdP is given for `app`.
    static func baseURL(_ base: String?, app: String) -> String {
        let root = base ?? ProcessInfo.processInfo.environment["SCIMSYNC_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
        return "\(root.hasSuffix("/") ? String(root.dropLast()) : root)/scim/\(app)/v2"
    }
}
