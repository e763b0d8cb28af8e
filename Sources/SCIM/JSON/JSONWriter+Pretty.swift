extension JSONWriter {
    /// Indented JSON (two spaces, members in their order, `[]` and `{}` when empty), for files
    /// people read and diff: the same value always prints the same bytes.
    public static func pretty(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.writePretty(value, indent: 0)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private mutating func writePretty(_ value: JSONValue, indent: Int) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            appendRaw("[")
            for (index, element) in elements.enumerated() {
                appendRaw(index == 0 ? "\n" : ",\n")
                appendIndent(indent + 1)
                writePretty(element, indent: indent + 1)
            }
            appendRaw("\n")
            appendIndent(indent)
            appendRaw("]")
        case .object(let object) where !object.isEmpty:
            appendRaw("{")
            for (index, member) in object.members.enumerated() {
                appendRaw(index == 0 ? "\n" : ",\n")
                appendIndent(indent + 1)
                writeString(member.key)
                appendRaw(": ")
                writePretty(member.value, indent: indent + 1)
            }
            appendRaw("\n")
            appendIndent(indent)
            appendRaw("}")
        default:
            write(value)
        }
    }

    private mutating func appendIndent(_ level: Int) {
        appendRaw(String(repeating: "  ", count: level))
    }
}
