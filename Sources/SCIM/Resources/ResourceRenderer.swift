/// Writes stored resources as response JSON, adding `meta` (and any other server-computed
/// members) by splicing bytes rather than re-parsing, so a GET by id costs one copy.
public enum ResourceRenderer {
    /// `stored` is a JSON object as ``ResourceDocument`` made it; `extra` members are appended.
    public static func render(
        stored: [UInt8],
        meta: ResourceMeta,
        location: String,
        extra: [(key: String, value: JSONValue)] = [],
        into writer: inout JSONWriter
    ) {
        guard let close = stored.lastIndex(of: UInt8(ascii: "}")) else { return }
        let members = stored[..<close]
        writer.appendRaw(members)
        var separated = !members.allSatisfy { $0 == UInt8(ascii: "{") || $0 == 0x20 }
        for member in extra {
            if separated { writer.appendRaw(",") }
            writer.writeString(member.key)
            writer.appendRaw(":")
            writer.write(member.value)
            separated = true
        }
        writer.appendRaw(separated ? ",\"meta\":" : "\"meta\":")
        meta.write(location: location, into: &writer)
        writer.appendRaw("}")
    }

    /// The same, through a projection: parses, keeps the requested attributes, serialises.
    public static func render(
        stored: [UInt8],
        meta: ResourceMeta,
        location: String,
        extra: [(key: String, value: JSONValue)] = [],
        projection: Projection,
        into writer: inout JSONWriter
    ) {
        guard !projection.isIdentity else {
            render(stored: stored, meta: meta, location: location, extra: extra, into: &writer)
            return
        }
        guard var object = (try? JSONParser.parse(stored, limits: .stored))?.objectValue else { return }
        for member in extra { object[member.key] = member.value }
        object["meta"] = meta.json(location: location)
        writer.write(.object(projection.apply(to: object)))
    }
}
