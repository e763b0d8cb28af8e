import SCIM
import Testing

struct NotAnObject: Error {}

/// Parses JSON text written in a test.
func json(_ text: String) throws -> JSONValue {
    try JSONParser.parse(text)
}

/// Parses a JSON object written in a test.
func object(_ text: String) throws -> JSONObject {
    guard let object = try JSONParser.parse(text).objectValue else { throw NotAnObject() }
    return object
}

/// The value with every object's members sorted by name, for comparisons where order is not the point.
func sortedKeys(_ value: JSONValue) -> JSONValue {
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
func canonical(_ object: JSONObject) -> String {
    JSONWriter.string(sortedKeys(.object(object)))
}

func canonical(_ text: String) throws -> String {
    JSONWriter.string(sortedKeys(try json(text)))
}

let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
