import Foundation
import SCIM

/// The one log line of a request, in ``JSONLogHandler``'s format (`time`, `level`, `message`,
/// then the fields by key) but written straight from its fields: building a `Logger.Metadata`
/// dictionary, sorting it and casting its boxed values cost more than the rest of the line.
struct RequestLogLine {
    var requestID: String
    var method: String
    var path: String
    var status: Int
    var duration: Duration
    /// Seconds spent in database transactions.
    var databaseSeconds: Double
    var attribution: RequestAttribution?

    /// The line with its newline, fields in key order as ``JSONLogHandler`` sorts them.
    func bytes(at time: Date = Date()) -> [UInt8] {
        var writer = JSONWriter(capacity: 320 + path.utf8.count)
        writer.appendRaw("{\"time\":")
        writer.writeString(JSONLogHandler.timestamp(time))
        writer.appendRaw(",\"level\":\"info\",\"message\":\"request\"")
        if let attribution {
            writer.appendRaw(",\"app\":")
            writer.writeString(attribution.name)
            if !attribution.authenticated { writer.appendRaw(",\"authenticated\":false") }
        }
        writer.appendRaw(",\"db_ms\":")
        writer.appendThousandths(Self.microseconds(databaseSeconds))
        writer.appendRaw(",\"duration_ms\":")
        writer.appendThousandths(Self.microseconds(duration))
        writer.appendRaw(",\"method\":")
        writer.writeString(Self.capped(method, 16))
        writer.appendRaw(",\"path\":")
        writer.writeString(Self.capped(path, 1024))
        writer.appendRaw(",\"request_id\":")
        writer.writeString(requestID)
        writer.appendRaw(",\"status\":")
        writer.appendInteger(status)
        writer.appendRaw("}\n")
        return writer.bytes
    }

    private static func capped(_ text: String, _ bytes: Int) -> String {
        text.utf8.count <= bytes ? text : String(decoding: text.utf8.prefix(bytes), as: UTF8.self)
    }

    /// Whole microseconds of `seconds` (0 for what is not a time a request can take).
    private static func microseconds(_ seconds: Double) -> Int {
        let micros = (seconds * 1e6).rounded()
        return micros.isFinite && abs(micros) < 1e15 ? Int(micros) : 0
    }

    private static func microseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
    }
}
