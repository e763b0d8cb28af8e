/// One attribute of a SCIM schema (RFC 7643 §7), as `/Schemas` publishes it and as the
/// protocol consults it for case-exactness, mutability and what is returned.
public struct AttributeDefinition: Sendable {
    public enum DataType: String, Sendable {
        case string, boolean, decimal, integer, dateTime, reference, complex, binary
    }

    public enum Mutability: String, Sendable {
        case readOnly, readWrite, immutable, writeOnly
    }

    public enum Returned: String, Sendable {
        case always, never, `default`, request
    }

    public enum Uniqueness: String, Sendable {
        case none, server, global
    }

    public let name: String
    public let type: DataType
    public let multiValued: Bool
    public let required: Bool
    public let caseExact: Bool
    public let mutability: Mutability
    public let returned: Returned
    public let uniqueness: Uniqueness
    public let canonicalValues: [String]
    public let referenceTypes: [String]
    public let subAttributes: [AttributeDefinition]
    public let description: String

    public init(
        _ name: String,
        _ type: DataType = .string,
        multiValued: Bool = false,
        required: Bool = false,
        caseExact: Bool = false,
        mutability: Mutability = .readWrite,
        returned: Returned = .default,
        uniqueness: Uniqueness = .none,
        canonicalValues: [String] = [],
        referenceTypes: [String] = [],
        subAttributes: [AttributeDefinition] = [],
        description: String
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
        self.subAttributes = subAttributes
        self.description = description
    }

    /// A sub-attribute by case-insensitive name.
    public func subAttribute(_ name: String) -> AttributeDefinition? {
        subAttributes.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// The attribute as `/Schemas` shows it.
    public var json: JSONValue {
        var object = JSONObject([
            ("name", .string(name)),
            ("type", .string(type.rawValue)),
            ("multiValued", .bool(multiValued)),
            ("description", .string(description)),
            ("required", .bool(required)),
        ])
        if type == .string || type == .reference || type == .binary {
            object["caseExact"] = .bool(caseExact)
        }
        if !canonicalValues.isEmpty { object["canonicalValues"] = .array(canonicalValues.map(JSONValue.string)) }
        if !referenceTypes.isEmpty { object["referenceTypes"] = .array(referenceTypes.map(JSONValue.string)) }
        object["mutability"] = .string(mutability.rawValue)
        object["returned"] = .string(returned.rawValue)
        object["uniqueness"] = .string(uniqueness.rawValue)
        if !subAttributes.isEmpty { object["subAttributes"] = .array(subAttributes.map(\.json)) }
        return .object(object)
    }
}
