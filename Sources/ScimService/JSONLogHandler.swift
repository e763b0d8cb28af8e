import Foundation
import Logging
import SCIM

#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler writing one JSON object per line on standard error, for journald and
/// `jq`: `time` (UTC, milliseconds), `level`, `message`, then the metadata by key. Each line is
/// one write(2), so lines of several threads and processes never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let write: @Sendable ([UInt8]) -> Void

    /// Writes to standard error (fd 2: the C `stderr` global is off limits in Swift 6).
    public init(label: String) {
        self.init(label: label, write: Self.standardError)
    }

    /// Writes a line to standard error in one write(2).
    public static let standardError: @Sendable ([UInt8]) -> Void = { line in
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// Hands each line (newline included) to `write`.
    public init(label: String, write: @escaping @Sendable ([UInt8]) -> Void) {
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // A request's line brings all its metadata: nothing to merge it with, no copy.
        var all = metadata.isEmpty && metadataProvider == nil ? event.metadata ?? [:] : metadata
        if !metadata.isEmpty || metadataProvider != nil {
            if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
            if let given = event.metadata { all.merge(given) { $1 } }
        }
        write(Self.line(time: Date(), level: event.level, message: event.message.description, metadata: all))
    }

    /// One log line: the JSON object and a newline.
    public static func line(time: Date, level: Logger.Level, message: String, metadata: Logger.Metadata) -> [UInt8] {
        // Written member by member into one buffer: no JSON object is built for a line.
        var writer = JSONWriter(capacity: 384)
        writer.appendRaw("{\"time\":")
        writer.writeString(timestamp(time))
        writer.appendRaw(",\"level\":")
        writer.writeString(level.rawValue)
        writer.appendRaw(",\"message\":")
        writer.writeString(message)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where key != "time" && key != "level" && key != "message" {
            writer.appendRaw(",")
            writer.writeString(key)
            writer.appendRaw(":")
            writer.write(json(value))
        }
        writer.appendRaw("}\n")
        return writer.bytes
    }

    /// `2025-12-01T12:00:00.250Z` (UTC, milliseconds).
    static func timestamp(_ time: Date) -> String {
        UTCTime.milliseconds(time) ?? "\(time)"
    }

    /// Numbers and booleans given as such stay JSON numbers and booleans.
    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        // The concrete types first: a cast to them is cheaper than to an existential.
        case .stringConvertible(let number as Int): .number(String(number))
        case .stringConvertible(let number as any BinaryInteger): .number("\(number)")
        case .stringConvertible(let number as Double) where number.isFinite: .number("\(number)")
        case .stringConvertible(let flag as Bool): .bool(flag)
        case .stringConvertible(let other): .string(other.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(JSONObject(members.keys.sorted().map { ($0, json(members[$0]!)) }))
        }
    }
}
