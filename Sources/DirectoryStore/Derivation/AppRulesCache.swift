import Foundation
import SyncRules

/// The parsed rules of each app, their regexes compiled, shared by every connection and worker
/// thread of the process. An entry serves while the app's stored rules text is the one it was
/// parsed from, so a write pays for parsing and compiling once per rules version, not per request.
final class AppRulesCache: @unchecked Sendable {
    /// The process's cache.
    static let shared = AppRulesCache(capacity: 256)

    private struct Entry {
        var text: String
        var rules: AppRules
        var lastUse: UInt64
    }

    /// Apps held at most; past it the least recently used entry goes.
    let capacity: Int
    private let lock = NSLock()
    private var entries: [Int64: Entry] = [:]
    private var uses: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The rules of app `appID` stored as `text`: the cached ones if they were parsed from the
    /// same text, else `parse(text)`, kept for the next call. A text that does not parse is not kept.
    func rules(appID: Int64, text: String, parse: (String) throws -> AppRules) throws -> AppRules {
        var text = text
        return try text.withUTF8 { try rules(appID: appID, utf8: $0, parse: parse) }
    }

    /// Like ``rules(appID:text:parse:)``, with the text as SQLite holds it: a write's derivation
    /// asks for its app's rules on every request, and they rarely change.
    func rules(appID: Int64, utf8: UnsafeBufferPointer<UInt8>, parse: (String) throws -> AppRules) throws -> AppRules {
        if let cached = lock.withLock({ () -> AppRules? in
            guard let entry = entries[appID], Self.same(entry.text, utf8) else { return nil }
            uses += 1
            entries[appID]?.lastUse = uses
            return entries[appID]?.rules
        }) {
            return cached
        }
        // Parsed outside the lock, so other apps' writes do not wait for it.
        let text = String(decoding: utf8, as: UTF8.self)
        let rules = try parse(text)
        lock.withLock {
            if entries[appID] == nil, entries.count >= capacity,
                let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key
            {
                entries[oldest] = nil
            }
            uses += 1
            entries[appID] = Entry(text: text, rules: rules, lastUse: uses)
        }
        return rules
    }

    private static func same(_ text: String, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var text = text
        return text.withUTF8 { stored in
            stored.count == utf8.count && (stored.isEmpty || memcmp(stored.baseAddress!, utf8.baseAddress!, stored.count) == 0)
        }
    }
}
