import DirectoryStore
import SCIM

/// Reads the restriction of a Crowd search from wherever it comes: a POST body in XML or JSON (by
/// its `Content-Type`), or the `restriction` parameter's Crowd Query Language.
public enum CrowdSearchRestriction {
    /// An empty body restricts nothing; a body neither XML nor JSON is `415`.
    public static func read(body: [UInt8], contentType: String?) throws(CrowdError) -> CrowdRestriction {
        guard !body.isEmpty else { return .all }
        switch CrowdFormat.reading(contentType: contentType) {
        case .json:
            let value: JSONValue
            do {
                value = try JSONParser.parse(body)
            } catch {
                throw .illegalArgument("The body is not valid JSON: \(error)")
            }
            return try RestrictionReader.read(json: value)
        case .xml:
            let root: SmallXMLElement
            do {
                root = try SmallXMLParser.parse(body)
            } catch {
                throw .illegalArgument(error.message)
            }
            return try RestrictionReader.read(xml: root)
        case nil:
            throw CrowdError(status: 415, reason: "ILLEGAL_ARGUMENT", message: "Send the search restriction as application/xml or application/json.")
        }
    }

    /// The `restriction` parameter; none restricts nothing.
    public static func read(query: String?) throws(CrowdError) -> CrowdRestriction {
        try CrowdQueryLanguage.parse(query ?? "")
    }
}
