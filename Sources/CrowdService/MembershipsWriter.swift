import DirectoryStore
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

    /// Where the writer is in the current membership.
    private enum Section {
        case none, users, groups
    }

    private var section = Section.none

    /// Appends one step: a group starts a membership (ending the one before), then its users,
    /// then its groups.
    mutating func append(_ item: CrowdMembershipItem) {
        switch item {
        case .group(let name):
            endMembership()
            startMembership(name)
        case .user(let name):
            member("user", name)
        case .childGroup(let name):
            if section == .users { switchToGroups() }
            member("group", name)
        }
    }

    /// `<user name="…"/>` or `{"name": "…"}` in the current list.
    private mutating func member(_ element: String, _ name: String) {
        if format == .xml {
            xml.open(element, [("name", name)], empty: true)
        } else {
            if needsComma { json.appendRaw(",") }
            json.write(.object(JSONObject([("name", .string(name))])))
        }
        needsComma = true
    }

    private var needsComma = false

    private mutating func startMembership(_ group: String) {
        if format == .xml {
            xml.open("membership", [("group", group)])
            xml.open("users")
        } else {
            json.appendRaw(first ? "{\"group\":" : ",{\"group\":")
            json.write(.string(group))
            json.appendRaw(",\"users\":{\"users\":[")
        }
        first = false
        section = .users
        needsComma = false
    }

    private mutating func switchToGroups() {
        if format == .xml {
            xml.close("users")
            xml.open("groups")
        } else {
            json.appendRaw("]},\"groups\":{\"groups\":[")
        }
        section = .groups
        needsComma = false
    }

    private mutating func endMembership() {
        guard section != .none else { return }
        if section == .users { switchToGroups() }
        if format == .xml {
            xml.close("groups")
            xml.close("membership")
        } else {
            json.appendRaw("]}}")
        }
        section = .none
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
        endMembership()
        switch format {
        case .xml: xml.close("memberships")
        case .json: json.appendRaw("]}")
        }
        return take()
    }
}
