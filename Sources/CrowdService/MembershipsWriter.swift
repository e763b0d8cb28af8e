import SCIM

/// `group/membership`: every group with its direct user and group members, appended one group at
/// a time (Crowd's `memberships` entity) and taken in pieces, so the answer is never held whole.
struct MembershipsWriter {
    let format: CrowdFormat
    private var xml = XMLText()
    private var json = JSONWriter()
    private var first = true

    init(format: CrowdFormat) {
        self.format = format
        if format == .xml { xml.open("memberships") } else { json.appendRaw("{\"memberships\":[") }
    }

    mutating func append(group: String, users: [String], groups: [String]) {
        switch format {
        case .xml:
            xml.open("membership", [("group", group)])
            xml.open("users")
            for user in users { xml.open("user", [("name", user)], empty: true) }
            xml.close("users")
            xml.open("groups")
            for child in groups { xml.open("group", [("name", child)], empty: true) }
            xml.close("groups")
            xml.close("membership")
        case .json:
            if !first { json.appendRaw(",") }
            let named = { (names: [String]) in JSONValue.array(names.map { .object(JSONObject([("name", .string($0))])) }) }
            json.write(
                .object(
                    JSONObject([
                        ("group", .string(group)),
                        ("users", .object(JSONObject([("users", named(users))]))),
                        ("groups", .object(JSONObject([("groups", named(groups))]))),
                    ])
                )
            )
        }
        first = false
    }

    /// How many bytes wait to be taken.
    var pending: Int { format == .xml ? xml.bytes.count : json.bytes.count }

    /// The bytes appended since the last call.
    mutating func take() -> [UInt8] {
        guard format == .json else { return xml.take() }
        defer { json.truncate(to: 0) }
        return json.bytes
    }

    /// The document's end, after what ``take()`` has not taken yet.
    mutating func finish() -> [UInt8] {
        switch format {
        case .xml: xml.close("memberships")
        case .json: json.appendRaw("]}")
        }
        return take()
    }
}
