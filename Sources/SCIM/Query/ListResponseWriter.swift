/// Writes a `ListResponse` (RFC 7644 §3.4.2) whose resources are appended already serialised.
public struct ListResponseWriter {
    public private(set) var writer = JSONWriter(capacity: 4096)
    private var resourceCount = 0

    public init(totalResults: Int, startIndex: Int) {
        writer.appendRaw("{\"schemas\":[\"\(ScimSchemaURN.listResponse)\"],\"totalResults\":\(totalResults),\"startIndex\":\(startIndex),\"Resources\":[")
    }

    /// Appends one resource; `write` serialises it into the shared buffer.
    public mutating func appendResource(_ write: (inout JSONWriter) -> Void) {
        if resourceCount > 0 { writer.appendRaw(",") }
        write(&writer)
        resourceCount += 1
    }

    public consuming func finish() -> [UInt8] {
        writer.appendRaw("],\"itemsPerPage\":\(resourceCount)}")
        return writer.bytes
    }
}
