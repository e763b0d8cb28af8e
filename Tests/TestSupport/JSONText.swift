import SCIM

/// A test's JSON text that should have been an object.
public struct NotAnObject: Error {}

/// Parses JSON text written in a test.
public func json(_ text: String) throws -> JSONValue {
    try JSONParser.parse(text)
}

/// Parses a JSON object written in a test.
public func object(_ text: String) throws -> JSONObject {
    guard let object = try JSONParser.parse(text).objectValue else { throw NotAnObject() }
    return object
}

/// The value with every object's members sorted by name, for comparisons where order is not the point.
public func sortedKeys(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let object):
        return .object(JSONObject(object.members.map { (key: $0.key, value: sortedKeys($0.value)) }.sorted { $0.key < $1.key }))
    case .array(let elements):
        return .array(elements.map(sortedKeys))
    default:
        return value
    }
}

/// Compact JSON text with sorted keys: readable in a failed expectation, blind to member order.
public func canonical(_ object: JSONObject) -> String {
    JSONWriter.string(sortedKeys(.object(object)))
}

public func canonical(_ text: String) throws -> String {
    JSONWriter.string(sortedKeys(try json(text)))
}

public let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
public let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
public let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
