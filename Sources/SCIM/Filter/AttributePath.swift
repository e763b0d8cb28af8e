/// A reference to an attribute: an optional schema URN, a name and an optional sub-attribute,
/// as in `name.givenName` or `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
public struct AttributePath: Sendable, Equatable, CustomStringConvertible {
    /// The schema URN the path was qualified with, or `nil` for the resource's core schema.
    public var schema: String?
    public var name: String
    public var subAttribute: String?

    public init(schema: String? = nil, name: String, subAttribute: String? = nil) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    public var description: String {
        var text = schema.map { "\($0):" } ?? ""
        text += name
        if let subAttribute { text += ".\(subAttribute)" }
        return text
    }

    /// The same path without its sub-attribute.
    public var parent: AttributePath {
        AttributePath(schema: schema, name: name)
    }

    /// Parses `[URN ":"] name ["." subAttribute]`.
    ///
    /// The URN is the longest prefix ending at a colon; a path that is exactly a URN in
    /// `knownSchemas` names that schema's whole extension object (`name` is then empty). Names
    /// are checked byte by byte against RFC 7643's `ATTRNAME` and URNs against ``isSchemaURN(_:)``,
    /// so a parsed path holds nothing but ASCII letters, digits and `-_.:$`.
    public static func parse(_ text: String, knownSchemas: [String] = coreSchemaIDs) throws(ScimError) -> AttributePath {
        guard text.utf8.count <= maxLength else {
            throw ScimLimit.attributePathBytes.exceeded("An attribute path is \(text.utf8.count) bytes long", scimType: .invalidPath)
        }
        if let known = knownSchemas.first(where: { $0.caseInsensitiveEquals(text) }) {
            return AttributePath(schema: known, name: "")
        }
        var schema: String?
        var local = Substring(text)
        if hasURNPrefix(text) {
            guard let colon = text.utf8.lastIndex(of: UInt8(ascii: ":")) else { throw invalid(text) }
            let urn = String(text[..<colon])
            guard isSchemaURN(urn) else { throw invalid(text) }
            schema = knownSchemas.first { $0.caseInsensitiveEquals(urn) } ?? urn
            local = text[text.utf8.index(after: colon)...]
        }
        // Split on bytes: splitting by `Character` was most of a filter's parse.
        let parts = local.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Substring($0) }
        guard (1...2).contains(parts.count), parts.allSatisfy(isAttributeName) else { throw invalid(text) }
        return AttributePath(schema: schema, name: String(parts[0]), subAttribute: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// The ids of the core schemas, which a path may name in any case.
    public static let coreSchemaIDs = CoreSchemas.all.map(\.id)

    /// The longest attribute path accepted, URN included.
    public static let maxLength = ScimLimit.attributePathBytes.value

    private static func invalid(_ text: String) -> ScimError {
        .invalidPath("\(text.quotedForDetail) is not an attribute path.")
    }

    /// `ATTRNAME = ALPHA *(nameChar)`, `nameChar = "-" / "_" / DIGIT / ALPHA` (RFC 7643 §2.1),
    /// checked on bytes; `$ref` is the one name outside the grammar that SCIM itself uses.
    public static func isAttributeName(_ text: Substring) -> Bool {
        if text == "$ref" { return true }
        let bytes = text.utf8
        guard let first = bytes.first, first.isASCIILetter else { return false }
        return bytes.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// Whether `text` starts with `urn:` in any case (`|0x20` lowers ASCII letters, keeps `:`).
    private static func hasURNPrefix(_ text: String) -> Bool {
        text.utf8.prefix(4).elementsEqual("urn:".utf8) { $0 | 0x20 == $1 }
    }

    /// A schema URN as this server reads one: `urn:` then ASCII letters, digits and `-._:`,
    /// never ending in a colon (RFC 8141's characters, without those that need quoting).
    public static func isSchemaURN(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count > 4, hasURNPrefix(text), bytes.last != UInt8(ascii: ":") else { return false }
        return bytes.allSatisfy {
            $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":")
        }
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}

extension String {
    /// The string quoted for an error detail, cut to its first 64 characters: details echo what
    /// the client sent, never all of it.
    public var quotedForDetail: String {
        let limit = 64
        guard count > limit else { return "'\(self)'" }
        return "'\(prefix(limit))…' (\(utf8.count) bytes)"
    }
}
