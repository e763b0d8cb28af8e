import DirectoryStore
import SCIM

/// Reads Crowd's search restrictions from an XML or JSON body (`property-search-restriction`,
/// `boolean-search-restriction`, `null-search-restriction`), at most ``CrowdRestriction/maxTerms``
/// property terms, nested at most ``maxDepth`` deep.
enum RestrictionReader {
    static let maxDepth = 8

    static func read(xml root: SmallXMLElement) throws(CrowdError) -> CrowdRestriction {
        try checked(try xml(root, depth: 1))
    }

    static func read(json value: JSONValue) throws(CrowdError) -> CrowdRestriction {
        try checked(try json(value, depth: 1))
    }

    static func checked(_ restriction: CrowdRestriction) throws(CrowdError) -> CrowdRestriction {
        guard restriction.termCount <= CrowdRestriction.maxTerms else {
            throw .illegalArgument("The search names more than \(CrowdRestriction.maxTerms) property restrictions (limit crowdSearchTerms).")
        }
        guard restriction.restrictionCount <= CrowdRestriction.maxRestrictions else {
            throw .illegalArgument("The search holds more than \(CrowdRestriction.maxRestrictions) restrictions (limit crowdSearchRestrictions).")
        }
        return restriction
    }

    private static func xml(_ element: SmallXMLElement, depth: Int) throws(CrowdError) -> CrowdRestriction {
        guard depth <= maxDepth else { throw .illegalArgument("Boolean restrictions nested deeper than \(maxDepth) (limit crowdSearchDepth).") }
        switch element.name {
        case "null-search-restriction":
            return .all
        case "property-search-restriction":
            let name = element.child("property")?.child("name")?.text.trimmingSpaces
            return try property(name, mode: element.child("match-mode")?.text.trimmingSpaces, value: element.child("value")?.text)
        case "boolean-search-restriction":
            var parts: [CrowdRestriction] = []
            for child in element.child("restrictions")?.children ?? [] { parts.append(try xml(child, depth: depth + 1)) }
            return try boolean(element.child("boolean-logic")?.text.trimmingSpaces, parts)
        default:
            throw .illegalArgument("Unknown search restriction <\(element.name)>; send a property-, boolean- or null-search-restriction.")
        }
    }

    private static func json(_ value: JSONValue, depth: Int) throws(CrowdError) -> CrowdRestriction {
        guard depth <= maxDepth else { throw .illegalArgument("Boolean restrictions nested deeper than \(maxDepth) (limit crowdSearchDepth).") }
        guard let object = value.objectValue else { throw .illegalArgument("A search restriction is a JSON object.") }
        let type = object["restriction-type"]?.stringValue ?? (object["property"] != nil ? "property-search-restriction" : nil)
        switch type {
        case "null-search-restriction":
            return .all
        case nil where object.isEmpty:
            return .all
        case "property-search-restriction":
            let name = object["property"]?["name"]?.stringValue
            let text = object["value"].flatMap { $0.stringValue ?? $0.boolValue.map { $0 ? "true" : "false" } }
            return try property(name, mode: object["match-mode"]?.stringValue, value: text)
        case "boolean-search-restriction":
            var parts: [CrowdRestriction] = []
            for part in object["restrictions"]?.arrayValue ?? [] { parts.append(try json(part, depth: depth + 1)) }
            return try boolean(object["boolean-logic"]?.stringValue, parts)
        default:
            throw .illegalArgument("Unknown restriction-type; send a property-, boolean- or null-search-restriction.")
        }
    }

    private static func property(_ name: String?, mode: String?, value: String?) throws(CrowdError) -> CrowdRestriction {
        guard let name, !name.isEmpty else { throw .illegalArgument("A property restriction names its property (property/name).") }
        guard let mode = mode.flatMap({ CrowdRestriction.MatchMode(rawValue: $0.uppercased()) }) else {
            throw .illegalArgument("The match-mode is one of EXACTLY_MATCHES, STARTS_WITH, CONTAINS, NULL.")
        }
        guard mode == .null || value != nil else { throw .illegalArgument("The \(mode.rawValue) restriction on '\(name)' needs a value.") }
        return .property(name: name, mode: mode, value: mode == .null ? nil : value)
    }

    private static func boolean(_ logic: String?, _ parts: [CrowdRestriction]) throws(CrowdError) -> CrowdRestriction {
        switch logic?.lowercased() {
        case "and": return .and(parts)
        case "or": return .or(parts)
        default: throw .illegalArgument("The boolean-logic is 'and' or 'or'.")
        }
    }
}
