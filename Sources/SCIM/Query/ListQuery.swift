/// The parameters of a list or search request (RFC 7644 §3.4.2), from a query string or a
/// `SearchRequest` body.
public struct ListQuery: Sendable, Equatable {
    public static let defaultCount = 100

    public var filter: Filter?
    /// 1-based, as SCIM counts.
    public var startIndex: Int
    public var count: Int
    public var sortBy: AttributePath?
    public var descending: Bool
    public var projection: Projection
    /// Set when the client pages with `cursor` (RFC 9865) instead of `startIndex`.
    public var cursor: PageCursor?

    public init(
        filter: Filter? = nil,
        startIndex: Int = 1,
        count: Int = defaultCount,
        sortBy: AttributePath? = nil,
        descending: Bool = false,
        projection: Projection = .identity
    ) {
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.sortBy = sortBy
        self.descending = descending
        self.projection = projection
    }

    /// Reads the query string parameters (already percent-decoded).
    public static func parse(_ parameters: [String: String], resourceType: ResourceType?) throws(ScimError) -> ListQuery {
        var query = ListQuery()
        if let text = parameters["filter"] { query.filter = try FilterParser.parse(text) }
        // RFC 7644 §3.4.2.4: values below 1 mean 1; a negative count means 0.
        if let text = parameters["startIndex"] {
            guard let value = Int(text) else { throw .invalidValue("startIndex must be an integer.") }
            query.startIndex = max(1, value)
        }
        if let text = parameters["count"] {
            guard let value = Int(text) else { throw .invalidValue("count must be an integer.") }
            query.count = min(max(0, value), ScimLimit.listCount.value)
        }
        if let text = parameters["cursor"] {
            guard parameters["startIndex"] == nil else {
                throw .invalidValue("Use either cursor or startIndex, not both.")
            }
            query.cursor = try PageCursor.parse(text)
        }
        if let text = parameters["sortBy"], !text.isEmpty {
            query.sortBy = try AttributePath.parse(text)
        }
        if let order = parameters["sortOrder"] {
            guard ["ascending", "descending"].contains(order.lowercased()) else {
                throw .invalidValue("sortOrder must be 'ascending' or 'descending'.")
            }
            query.descending = order.lowercased() == "descending"
        }
        query.projection = Projection(
            attributes: try Projection.parseList(parameters["attributes"]),
            excludedAttributes: try Projection.parseList(parameters["excludedAttributes"]),
            resourceType: resourceType
        )
        return query
    }

    /// Reads a `POST .search` body, by mapping its members onto the query parameters.
    public static func parse(searchBody body: JSONValue, resourceType: ResourceType?) throws(ScimError) -> ListQuery {
        guard let object = body.objectValue else { throw .invalidSyntax("A search body must be a JSON object.") }
        var parameters: [String: String] = [:]
        for key in ["filter", "sortBy", "sortOrder", "cursor"] {
            if let value = object[key]?.stringValue { parameters[key] = value }
        }
        for key in ["startIndex", "count"] {
            if let value = object[key] {
                guard case .number(let text) = value else { throw .invalidValue("\(key) must be an integer.") }
                parameters[key] = text
            }
        }
        for key in ["attributes", "excludedAttributes"] {
            if let list = object[key]?.arrayValue {
                parameters[key] = list.compactMap(\.stringValue).joined(separator: ",")
            }
        }
        return try parse(parameters, resourceType: resourceType)
    }
}
