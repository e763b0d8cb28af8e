/// A limit on what one request may ask of the server. Each has a name that its error, the
/// advertised configuration and docs/SECURITY.md all use, so an IdP administrator who meets one
/// can look it up.
public struct ScimLimit: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let value: Int

    public init(name: String, value: Int) {
        self.name = name
        self.value = value
    }

    /// `filterMaxTerms = 100`, as errors quote it.
    public var description: String { "\(name) = \(value)" }

    /// A refusal for exceeding this limit: `what` says what the request did, then the limit is named.
    public func exceeded(_ what: String, status: Int = 400, scimType: ScimErrorType? = .invalidValue) -> ScimError {
        ScimError(status: status, scimType: scimType, detail: "\(what) (limit \(self)).")
    }
}

extension ScimLimit {
    /// Bytes of one filter, wherever it comes from (query string, `.search` body, PATCH path, Bulk).
    public static let filterBytes = ScimLimit(name: "filterMaxBytes", value: 4096)
    /// Attribute expressions (`attr op value`, `attr pr`) in one filter.
    public static let filterTerms = ScimLimit(name: "filterMaxTerms", value: 100)
    /// Parentheses and value-filter brackets nested inside one another. SQLite's parser refuses
    /// expressions nested much deeper than this once compiled (its stack holds 100 entries).
    public static let filterNesting = ScimLimit(name: "filterMaxNesting", value: 12)
    /// Operations in one PATCH request.
    public static let patchOperations = ScimLimit(name: "patchMaxOperations", value: 1000)
    /// Group members added, removed or replaced by one request (PATCH, PUT or POST).
    public static let membersPerRequest = ScimLimit(name: "membersMaxPerRequest", value: 10_000)
    /// Attribute paths in `attributes` or `excludedAttributes`.
    public static let projectionPaths = ScimLimit(name: "attributesMaxPaths", value: 100)
    /// Resources in one page of a list (`count` above it is lowered to it, RFC 7644 §3.4.2.4).
    public static let listCount = ScimLimit(name: "listMaxCount", value: 1000)
    /// Bytes of one list response: a page stops early rather than grow past it, and says so in
    /// `itemsPerPage`.
    public static let listBytes = ScimLimit(name: "listMaxBytes", value: 4 << 20)
    /// Operations in one Bulk request (advertised in `/ServiceProviderConfig`).
    public static let bulkOperations = ScimLimit(name: "bulkMaxOperations", value: 1000)
    /// Bytes of one Bulk request body (advertised in `/ServiceProviderConfig`).
    public static let bulkPayload = ScimLimit(name: "bulkMaxPayloadSize", value: 1 << 20)
    /// Arrays and objects nested inside one another in a JSON body.
    public static let jsonNesting = ScimLimit(name: "jsonMaxNesting", value: 64)
    /// Members of one JSON object in a body: member lookups are linear, and a body of 87,000
    /// one-member keys cost minutes inside the write transaction.
    public static let jsonObjectMembers = ScimLimit(name: "jsonMaxObjectMembers", value: 1000)
    /// Elements of one JSON array in a body (a group's `members` list is one).
    public static let jsonArrayElements = ScimLimit(name: "jsonMaxArrayElements", value: 10_000)
    /// Bytes of one stored user or group (its JSON without a group's members): a PATCH that adds
    /// and adds would otherwise grow one resource, and every page and answer that holds it, without end.
    public static let resourceBytes = ScimLimit(name: "resourceMaxBytes", value: 1 << 20)
    /// Bytes of one attribute path (`AttributePath.parse`).
    public static let attributePathBytes = ScimLimit(name: "attributePathMaxBytes", value: 512)

    /// Every limit, for documentation and tests.
    public static let all: [ScimLimit] = [
        filterBytes, filterTerms, filterNesting, patchOperations, membersPerRequest, projectionPaths,
        listCount, listBytes, bulkOperations, bulkPayload, jsonNesting, jsonObjectMembers, jsonArrayElements,
        resourceBytes, attributePathBytes,
    ]
}
