/// A JSON value that keeps object keys in the order they were written.
///
/// SCIM resources are stored and returned as the IdP wrote them, so order and the exact text
/// of numbers survive a round trip. Attribute names are matched case-insensitively (RFC 7643 §2.1).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number kept as its JSON text, so that large integers and decimals are never rounded.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// An attribute of an object value, by case-insensitive name.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// Convenience for building numbers from integers.
    public static func integer(_ value: Int) -> JSONValue {
        .number(String(value))
    }
}
