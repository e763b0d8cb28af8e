/// The dialect conversions a request's values get before their types are checked. RFC 7643
/// types need none; each conversion is for the provider profiles whose IdP sends it
/// (`ProviderProfile.valueConversions`, docs/IDP-COMPATIBILITY.md). `null` (and `[]` for a
/// multi-valued attribute) is absent for every profile (RFC 7643 §2.5).
public struct ValueConversions: Sendable, Equatable {
    /// A multi-valued attribute written as a single value is read as a one-element array
    /// (OneLogin's Enterprise template writes `"emails": {…}`).
    public var singleValueAsArray: Bool
    /// `"True"`/`"False"` (any case) for a boolean (Entra ID's default job, OneLogin's template).
    public var booleanStrings: Bool
    /// A bare string for a single-valued complex attribute with a `value` sub-attribute is
    /// `{"value": …}`, and `""` is absent (Entra ID's enterprise `manager`).
    public var bareValueAsComplex: Bool

    public init(singleValueAsArray: Bool = false, booleanStrings: Bool = false, bareValueAsComplex: Bool = false) {
        self.singleValueAsArray = singleValueAsArray
        self.booleanStrings = booleanStrings
        self.bareValueAsComplex = bareValueAsComplex
    }

    /// RFC 7643 types, nothing converted.
    public static let rfc = ValueConversions()
    /// Entra ID's boolean strings and bare manager id.
    public static let entra = ValueConversions(booleanStrings: true, bareValueAsComplex: true)
    /// OneLogin's template shapes: single objects for arrays, `"true"` for booleans.
    public static let onelogin = ValueConversions(singleValueAsArray: true, booleanStrings: true)
}

/// Brings values to the types their schema declares, as far as real IdPs need it, and refuses
/// the values that still have the wrong JSON type (RFC 7643 §2.3, §7): `400 invalidValue`
/// naming the attribute path.
///
/// `null` (and, for a multi-valued attribute, `[]`) is absent; the dialect conversions are the
/// ones ``ValueConversions`` enables. Attributes and sub-attributes no published schema defines
/// are kept as they are.
struct ValueNormalizer {
    let resourceType: ResourceType
    var conversions: ValueConversions = .rfc

    func normalize(_ resource: JSONObject) throws(ScimError) -> JSONObject {
        var result = try normalize(resource, definitions: resourceType.checkedAttributes, under: { "" })
        for schema in resourceType.extensions {
            guard let value = result[schema.id] else { continue }
            guard let inner = value.objectValue else {
                throw .invalidValue("\(schema.id): expected an object, found \(Self.describe(value)).")
            }
            let normalized = try normalize(inner, definitions: schema.attributes, under: { "\(schema.id):" })
            result[schema.id] = normalized.isEmpty ? nil : .object(normalized)
        }
        return result
    }

    /// The value of one attribute, converted and checked; nil when it is absent. `path` names
    /// it in an error.
    func normalize(_ value: JSONValue, _ definition: AttributeDefinition, at path: String) throws(ScimError) -> JSONValue? {
        try normalize(value, definition, spelled: { path })
    }

    // The paths an error names are spelled only when one is thrown: building them for every
    // attribute of every write cost more than checking the values.

    private func normalize(
        _ object: JSONObject,
        definitions: [AttributeDefinition],
        under prefix: () -> String
    ) throws(ScimError) -> JSONObject {
        var result = JSONObject()
        for (key, value) in object {
            // An index, not a copy of the definition (a large struct) for every attribute.
            guard let position = definitions.firstIndex(where: { $0.name.caseInsensitiveEquals(key) }) else {
                if !value.isNull { result[key] = value }
                continue
            }
            let name = definitions[position].name
            if let normalized = try normalize(value, definitions[position], spelled: { prefix() + name }) {
                result[name] = normalized
            }
        }
        return result
    }

    private func normalize(
        _ value: JSONValue,
        _ definition: AttributeDefinition,
        spelled path: () -> String
    ) throws(ScimError) -> JSONValue? {
        if value.isNull { return nil }
        guard definition.multiValued else { return try normalizeSingle(value, definition, at: path) }
        let elements: [JSONValue]
        if let array = value.arrayValue {
            elements = array
        } else if conversions.singleValueAsArray {
            elements = [value]
        } else {
            throw .invalidValue("\(path()): expected \(Self.expected(definition)), found \(Self.describe(value)).")
        }
        var result: [JSONValue] = []
        for (index, element) in elements.enumerated() {
            func elementPath() -> String { "\(path())[\(index)]" }
            guard !element.isNull else {
                throw .invalidValue("\(elementPath()): expected \(Self.expected(definition, element: true)), found null.")
            }
            if let normalized = try normalizeSingle(element, definition, at: elementPath, inArray: true) {
                result.append(normalized)
            }
        }
        return result.isEmpty ? nil : .array(result)
    }

    private func normalizeSingle(
        _ value: JSONValue,
        _ definition: AttributeDefinition,
        at path: () -> String,
        inArray: Bool = false
    ) throws(ScimError) -> JSONValue? {
        switch (definition.type, value) {
        case (_, .null):
            return nil
        case (.boolean, .string(let text))
        where conversions.booleanStrings && (text.caseInsensitiveEquals("true") || text.caseInsensitiveEquals("false")):
            return .bool(text.caseInsensitiveEquals("true"))
        case (.complex, .string(let text)) where conversions.bareValueAsComplex && !inArray && definition.subAttribute("value") != nil:
            guard !text.isEmpty else { return nil }
            let wrapped = JSONObject([("value", .string(text))])
            return .object(try normalize(wrapped, definitions: definition.subAttributes, under: { path() + "." }))
        case (.complex, .object(let inner)):
            let normalized = try normalize(inner, definitions: definition.subAttributes, under: { path() + "." })
            return normalized.isEmpty ? nil : .object(normalized)
        default:
            guard Self.fits(value, definition.type) else {
                throw .invalidValue("\(path()): expected \(Self.expected(definition, element: inArray)), found \(Self.describe(value)).")
            }
            return value
        }
    }

    /// Whether a (converted) value has the JSON shape of a simple schema type.
    static func fits(_ value: JSONValue, _ type: AttributeDefinition.DataType) -> Bool {
        switch (type, value) {
        case (.boolean, .bool), (.complex, .object), (.decimal, .number): true
        case (.integer, .number(let text)): !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        case (.string, .string), (.reference, .string), (.binary, .string): true
        case (.dateTime, .string(let text)): isRFC3339DateTime(text)
        default: false
        }
    }

    /// `2026-12-01T10:00:00Z`, `…T10:00:00.123+02:00` (RFC 3339 §5.6 `date-time`).
    static func isRFC3339DateTime(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= chars.count && range.allSatisfy { (48...57).contains(chars[$0]) }
        }
        func at(_ index: Int, _ character: Character) -> Bool {
            index < chars.count && chars[index] == character.asciiValue!
        }
        guard digits(0..<4), at(4, "-"), digits(5..<7), at(7, "-"), digits(8..<10),
            at(10, "T") || at(10, "t"), digits(11..<13), at(13, ":"), digits(14..<16), at(16, ":"), digits(17..<19)
        else { return false }
        var index = 19
        if at(index, ".") {
            index += 1
            let start = index
            while index < chars.count, (48...57).contains(chars[index]) { index += 1 }
            guard index > start else { return false }
        }
        if at(index, "Z") || at(index, "z") { return index + 1 == chars.count }
        guard at(index, "+") || at(index, "-"), digits(index + 1..<index + 3), at(index + 3, ":"), digits(index + 4..<index + 6)
        else { return false }
        return index + 6 == chars.count
    }

    /// What a definition expects, as an error detail says it: `an array of objects`, `a boolean`.
    static func expected(_ definition: AttributeDefinition, element: Bool = false) -> String {
        let (single, plural) =
            switch definition.type {
            case .string: ("a string", "strings")
            case .boolean: ("a boolean", "booleans")
            case .decimal: ("a number", "numbers")
            case .integer: ("an integer", "integers")
            case .dateTime: ("an RFC 3339 dateTime string", "RFC 3339 dateTime strings")
            case .reference: ("a reference (a string)", "references (strings)")
            case .complex: ("an object", "objects")
            case .binary: ("a base64 string", "base64 strings")
            }
        return definition.multiValued && !element ? "an array of \(plural)" : single
    }

    /// The JSON type of a value, as an error detail names it.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string(let text) where text.isEmpty: "an empty string"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension AttributeDefinition {
    /// Whether one (converted) value of this attribute has the JSON type its schema declares
    /// (an element, for a multi-valued attribute): a dateTime is an RFC 3339 string, an integer a
    /// number without fraction or exponent.
    public func fits(_ value: JSONValue) -> Bool {
        ValueNormalizer.fits(value, type)
    }
}
