/// Applies PATCH operations to a resource held as JSON (RFC 7644 §3.5.2).
///
/// Works on a copy: either every operation applies or the first failure is thrown and the
/// caller keeps the original, so a multi-operation request is all or nothing.
public struct PatchEngine: Sendable {
    public let resourceType: ResourceType
    /// The value conversions of the app's provider (a single value for a multi-valued attribute).
    public let conversions: ValueConversions
    /// The PATCH deviations of the app's provider; ``PatchDialect/rfc`` is RFC 7644 as written.
    public let dialect: PatchDialect

    public init(resourceType: ResourceType, conversions: ValueConversions = .rfc, dialect: PatchDialect = .rfc) {
        self.resourceType = resourceType
        self.conversions = conversions
        self.dialect = dialect
    }

    public func apply(_ request: PatchRequest, to resource: JSONObject) throws(ScimError) -> JSONObject {
        var result = resource
        for operation in request.operations {
            try apply(operation, to: &result)
        }
        return result
    }

    func apply(_ operation: PatchOperation, to resource: inout JSONObject) throws(ScimError) {
        guard let path = operation.path else {
            try applyWithoutPath(operation, to: &resource)
            return
        }
        try checkMutability(path.attribute, value: operation.value, in: resource)
        if operation.kind != .remove, path.valueFilter == nil {
            try checkShape(path.attribute, value: operation.value)
        }
        let edit = AttributeEdit(resourceType: resourceType, attribute: path.attribute, createOnAbsent: dialect.createOnAbsent)
        switch (operation.kind, path.valueFilter) {
        case (.remove, nil):
            edit.remove(values: operation.value, from: &resource)
        case (.remove, let filter?):
            edit.removeElements(matching: filter, subAttribute: path.subAttributeAfterFilter, from: &resource)
        case (let kind, nil):
            try edit.set(operation.value ?? .null, replacing: kind == .replace, in: &resource)
        case (let kind, let filter?):
            try edit.setElements(
                matching: filter,
                subAttribute: path.subAttributeAfterFilter,
                to: operation.value ?? .null,
                replacing: kind == .replace,
                in: &resource
            )
        }
    }

    /// A path-less add or replace: each member of the value object names its target, as a plain
    /// name, a dotted `name.givenName`, a URN-qualified attribute, or a whole extension object.
    private func applyWithoutPath(_ operation: PatchOperation, to resource: inout JSONObject) throws(ScimError) {
        guard let object = operation.value?.objectValue else {
            throw .invalidSyntax("Without a path, the value of \(operation.kind.rawValue) must be a JSON object.")
        }
        let replacing = operation.kind == .replace
        for (key, value) in object {
            if key.caseInsensitiveEquals("schemas") || key.caseInsensitiveEquals("meta") { continue }
            if key.caseInsensitiveEquals("id") {
                guard value == resource["id"] else { throw .mutability("The attribute 'id' is read-only.") }
                continue
            }
            if isExtensionContainer(key, value, in: resource), let members = value.objectValue {
                for (name, memberValue) in members {
                    let path = AttributePath(schema: key, name: name)
                    try checkMutability(path, value: memberValue, in: resource)
                    try checkShape(path, value: memberValue)
                    try AttributeEdit(resourceType: resourceType, attribute: path, createOnAbsent: dialect.createOnAbsent)
                        .set(memberValue, replacing: replacing, in: &resource)
                }
                continue
            }
            // Entra ID with aadOptscim062020 writes any PATCH path as a key: `name.givenName`, a
            // URN-qualified attribute, `emails[type eq "work"].value`.
            guard dialect.pathKeysInValue || AttributePath.isAttributeName(Substring(key)) else {
                throw .invalidValue(
                    "Without a path, the value holds attributes by name (RFC 7644 §3.5.2.1); \(key.quotedForDetail) is not one: give it as the operation's path."
                )
            }
            try apply(PatchOperation(kind: operation.kind, path: try PatchPath.parse(key), value: value), to: &resource)
        }
    }

    private func isExtensionContainer(_ key: String, _ value: JSONValue, in resource: JSONObject) -> Bool {
        guard key.lowercased().hasPrefix("urn:"), value.objectValue != nil else { return false }
        if resourceType.isKnownSchema(key) { return true }
        let declared = resource["schemas"]?.arrayValue ?? []
        return declared.contains { $0.stringValue?.caseInsensitiveEquals(key) == true }
    }

    /// A value for a whole multi-valued attribute must be an array (the resource is type-checked
    /// in full after the PATCH; this catches the single value the edit would wrap in one).
    private func checkShape(_ path: AttributePath, value: JSONValue?) throws(ScimError) {
        guard path.subAttribute == nil, !conversions.singleValueAsArray, let value, !value.isNull, value.arrayValue == nil,
            let definition = resourceType.topLevelDefinition(for: path), definition.multiValued
        else { return }
        throw .invalidValue("\(path): expected \(ValueNormalizer.expected(definition)), found \(ValueNormalizer.describe(value)).")
    }

    private func checkMutability(_ path: AttributePath, value: JSONValue?, in resource: JSONObject) throws(ScimError) {
        let definitions = [resourceType.definition(for: path.parent), resourceType.definition(for: path)]
        guard definitions.contains(where: { $0?.mutability == .readOnly }) else { return }
        if path.name.caseInsensitiveEquals("id"), value == resource["id"] { return }
        throw .mutability("The attribute '\(path)' is read-only.")
    }
}
