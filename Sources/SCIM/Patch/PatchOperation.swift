/// One operation of a PATCH request.
public struct PatchOperation: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case add, replace, remove
    }

    public var kind: Kind
    public var path: PatchPath?
    public var value: JSONValue?

    public init(kind: Kind, path: PatchPath? = nil, value: JSONValue? = nil) {
        self.kind = kind
        self.path = path
        self.value = value
    }
}

/// A PATCH request body (RFC 7644 §3.5.2): the PatchOp schema and its `Operations`.
public struct PatchRequest: Sendable, Equatable {
    public var operations: [PatchOperation]

    public init(operations: [PatchOperation]) {
        self.operations = operations
    }

    /// Reads a request body; op names are matched ignoring case only with
    /// ``PatchDialect/opNamesIgnoringCase``.
    public static func parse(_ body: JSONValue, dialect: PatchDialect = .rfc) throws(ScimError) -> PatchRequest {
        guard let object = body.objectValue else { throw .invalidSyntax("A PATCH body must be a JSON object.") }
        guard let schemas = object["schemas"]?.arrayValue,
            schemas.contains(where: { $0.stringValue?.caseInsensitiveEquals(ScimSchemaURN.patchOp) == true })
        else {
            throw .invalidSyntax("A PATCH body must list the schema \(ScimSchemaURN.patchOp).")
        }
        guard let list = object["Operations"]?.arrayValue, !list.isEmpty else {
            throw .invalidSyntax("A PATCH body needs a non-empty 'Operations' array.")
        }
        guard list.count <= ScimLimit.patchOperations.value else {
            throw ScimLimit.patchOperations.exceeded("The PATCH has \(list.count) operations", status: 413, scimType: nil)
        }
        var operations: [PatchOperation] = []
        for (index, element) in list.enumerated() {
            operations.append(try parseOperation(element, index: index, dialect: dialect))
        }
        return PatchRequest(operations: operations)
    }

    private static func parseOperation(_ element: JSONValue, index: Int, dialect: PatchDialect) throws(ScimError) -> PatchOperation {
        guard let object = element.objectValue else { throw .invalidSyntax("Operations[\(index)] is not an object.") }
        guard let opName = object["op"]?.stringValue,
            let kind = PatchOperation.Kind(rawValue: dialect.opNamesIgnoringCase ? opName.lowercased() : opName)
        else {
            throw .invalidSyntax("Operations[\(index)].op must be add, replace or remove.")
        }
        var path: PatchPath?
        if let pathValue = object["path"], !pathValue.isNull {
            guard let text = pathValue.stringValue else { throw .invalidPath("Operations[\(index)].path must be a string.") }
            if !text.trimmingSpaces.isEmpty { path = try PatchPath.parse(text) }
        }
        let value = object["value"]
        if kind == .remove, path == nil {
            throw .noTarget("Operations[\(index)]: remove needs a path.")
        }
        if kind == .remove, let value, !value.isNull, !dialect.removeListedValues {
            throw .invalidSyntax(
                "Operations[\(index)]: remove takes no value (RFC 7644 §3.5.2.2); name the values to remove with a filter, as in members[value eq \"id\"]."
            )
        }
        if kind != .remove, value == nil {
            throw .invalidValue("Operations[\(index)]: \(kind.rawValue) needs a value.")
        }
        return PatchOperation(kind: kind, path: path, value: value)
    }
}
