/// Writes a `ListResponse` (RFC 7644 §3.4.2) whose resources are appended already serialised.
public struct ListResponseWriter {
    public private(set) var writer = JSONWriter(capacity: 4096)
    /// The resources written so far: `itemsPerPage`.
    public private(set) var resourceCount = 0
    private var byteBudget = ScimLimit.listBytes.value

    /// A list response for `query`: index-paged responses carry `startIndex`, cursor-paged ones do not.
    public init(totalResults: Int, query: ListQuery) {
        self.init(totalResults: totalResults, startIndex: query.cursor == nil ? query.startIndex : nil)
    }

    /// `startIndex` is `nil` for cursor pagination, which has none.
    public init(totalResults: Int, startIndex: Int?) {
        writer.appendRaw("{\"schemas\":[\"\(ScimSchemaURN.listResponse)\"],\"totalResults\":\(totalResults),")
        if let startIndex { writer.appendRaw("\"startIndex\":\(startIndex),") }
        writer.appendRaw("\"Resources\":[")
    }

    /// Appends one resource (`write` serialises it into the shared buffer) unless it would take
    /// the response past ``ScimLimit/listBytes``; then it is left out and `false` returned, and
    /// the page ends there (the first resource is always written, whatever its size).
    public mutating func appendResource(_ write: (inout JSONWriter) -> Void) -> Bool {
        let start = writer.bytes.count
        if resourceCount > 0 { writer.appendRaw(",") }
        write(&writer)
        guard resourceCount == 0 || writer.bytes.count <= byteBudget else {
            writer.truncate(to: start)
            return false
        }
        resourceCount += 1
        return true
    }

    /// Lowers the byte budget, for tests.
    public mutating func limitBytes(to budget: Int) {
        byteBudget = budget
    }

    /// Closes the document; `nextCursor` is set when a cursor-paged list has more results.
    public consuming func finish(nextCursor: String? = nil) -> [UInt8] {
        writer.appendRaw("],\"itemsPerPage\":\(resourceCount)")
        if let nextCursor {
            writer.appendRaw(",\"nextCursor\":")
            writer.writeString(nextCursor)
        }
        writer.appendRaw("}")
        return writer.bytes
    }
}
