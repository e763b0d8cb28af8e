/// A `/Bulk` request body (RFC 7644 §3.7).
public struct BulkRequest: Sendable, Equatable {
    public var failOnErrors: Int?
    public var operations: [BulkOperation]

    public static func parse(_ body: JSONValue, maxOperations: Int) throws(ScimError) -> BulkRequest {
        guard let object = body.objectValue else { throw .invalidSyntax("A bulk request must be a JSON object.") }
        guard let schemas = object["schemas"]?.arrayValue,
            schemas.contains(where: { $0.stringValue?.caseInsensitiveEquals(ScimSchemaURN.bulkRequest) == true })
        else {
            throw .invalidSyntax("A bulk request must list the schema \(ScimSchemaURN.bulkRequest).")
        }
        guard let list = object["Operations"]?.arrayValue else {
            throw .invalidSyntax("A bulk request needs an 'Operations' array.")
        }
        guard list.count <= maxOperations else {
            throw ScimLimit(name: ScimLimit.bulkOperations.name, value: maxOperations)
                .exceeded("The bulk request has \(list.count) operations", status: 413, scimType: .tooMany)
        }
        var failOnErrors: Int?
        if let value = object["failOnErrors"] {
            // Int(exactly:) and not Int(_:): 1e19 or 1e400 would trap the whole process.
            guard let number = value.numberValue, let count = Int(exactly: number), count >= 1 else {
                throw .invalidValue("failOnErrors must be a positive integer.")
            }
            failOnErrors = count
        }
        var operations: [BulkOperation] = []
        for (index, element) in list.enumerated() {
            operations.append(try BulkOperation.parse(element, index: index))
        }
        var seen = Set<String>()
        for bulkId in operations.compactMap(\.bulkId) where !seen.insert(bulkId).inserted {
            throw .invalidValue("The bulkId '\(bulkId)' is used twice.")
        }
        return BulkRequest(failOnErrors: failOnErrors, operations: operations)
    }
}

/// One operation of a bulk request.
public struct BulkOperation: Sendable, Equatable {
    public var method: String
    public var path: String
    public var bulkId: String?
    public var version: String?
    public var data: JSONValue?

    static func parse(_ element: JSONValue, index: Int) throws(ScimError) -> BulkOperation {
        guard let object = element.objectValue else { throw .invalidSyntax("Operations[\(index)] is not an object.") }
        guard let method = object["method"]?.stringValue?.uppercased(), ["POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw .invalidSyntax("Operations[\(index)].method must be POST, PUT, PATCH or DELETE.")
        }
        guard let path = object["path"]?.stringValue, path.hasPrefix("/") else {
            throw .invalidSyntax("Operations[\(index)].path must be a path such as /Users.")
        }
        let bulkId = object["bulkId"]?.stringValue
        if method == "POST", bulkId == nil {
            throw .invalidSyntax("Operations[\(index)]: a POST needs a bulkId.")
        }
        let data = object["data"]
        if method != "DELETE", data == nil {
            throw .invalidSyntax("Operations[\(index)]: \(method) needs data.")
        }
        return BulkOperation(
            method: method,
            path: String(path.dropFirst()),
            bulkId: bulkId,
            version: object["version"]?.stringValue,
            data: data
        )
    }
}

/// Replaces `bulkId:<id>` references with the ids the server assigned earlier in the request.
public enum BulkReferences {
    static let prefix = "bulkId:"

    public static func substitute(in value: JSONValue, _ resolved: [String: String]) throws(ScimError) -> JSONValue {
        // Most operations mention no reference: looking costs less than copying the document.
        guard mentionsReference(value) else { return value }
        return try copy(value, substituting: resolved)
    }

    private static func copy(_ value: JSONValue, substituting resolved: [String: String]) throws(ScimError) -> JSONValue {
        switch value {
        case .string(let text) where mentionsReference(text):
            return .string(try substituteEmbedded(in: text, resolved))
        case .array(let elements):
            var result: [JSONValue] = []
            for element in elements { result.append(try copy(element, substituting: resolved)) }
            return .array(result)
        case .object(let object):
            var result = JSONObject()
            for (key, member) in object { result[key] = try copy(member, substituting: resolved) }
            return .object(result)
        default:
            return value
        }
    }

    /// Whether any string value in `value` holds `bulkId:` (keys are never substituted).
    public static func mentionsReference(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): mentionsReference(text)
        case .array(let elements): elements.contains(where: mentionsReference)
        case .object(let object): object.contains { mentionsReference($0.value) }
        default: false
        }
    }

    /// Whether `text` holds `bulkId:`, over its UTF-8 bytes: Foundation's `contains` bridged
    /// every string of every operation to `NSString`, and stepping `String.UTF8View` indices
    /// cost a tenth of a bulk create.
    static func mentionsReference(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            let needle = prefix.utf8
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { start in
                bytes[start] == UInt8(ascii: "b") && bytes[start..<start + needle.count].elementsEqual(needle)
            }
        }
    }

    /// In a path: `Groups/bulkId:qwerty`.
    public static func substitute(in path: String, _ resolved: [String: String]) throws(ScimError) -> String {
        guard mentionsReference(path) else { return path }
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            parts.append(part.hasPrefix(prefix) ? try resolve(String(part.dropFirst(prefix.count)), resolved) : String(part))
        }
        return parts.joined(separator: "/")
    }

    /// Replaces every `bulkId:<id>` in a string, as in the PATCH path `members[value eq "bulkId:u2"]`.
    static func substituteEmbedded(in text: String, _ resolved: [String: String]) throws(ScimError) -> String {
        var output = ""
        var rest = Substring(text)
        while let range = rest.range(of: prefix) {
            output += rest[..<range.lowerBound]
            let reference = rest[range.upperBound...].prefix { !"\" ]/,".contains($0) }
            output += try resolve(String(reference), resolved)
            rest = rest[range.upperBound...].dropFirst(reference.count)
        }
        return output + rest
    }

    private static func resolve(_ bulkId: String, _ resolved: [String: String]) throws(ScimError) -> String {
        guard let id = resolved[bulkId] else {
            throw ScimError(
                status: 409,
                scimType: .invalidValue,
                detail: "bulkId '\(bulkId)' does not refer to a resource created earlier in this request."
            )
        }
        return id
    }
}
