/// Writes a `ListResponse` (RFC 7644 §3.4.2) whose resources are appended already serialised.
public struct ListResponseWriter {
    public private(set) var writer = JSONWriter(capacity: 4096)
    /// The resources written so far: `itemsPerPage`.
    public private(set) var resourceCount = 0
    private var byteBudget = ScimLimit.listBytes.value
    /// Resources the page is expected to hold: the first one's size makes room for them all.
    private var expectedCount = 0

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
        if resourceCount == 1, expectedCount > 1 {
            writer.reserve(min((writer.bytes.count - start) * (expectedCount - 1), byteBudget) + 64)
        }
        return true
    }

    /// Says how many resources will be appended (a page's), so the buffer grows once, not by doubling.
    public mutating func expect(_ count: Int) {
        expectedCount = count
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
