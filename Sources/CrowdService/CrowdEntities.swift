import DirectoryStore
import SCIM

/// Crowd's REST entities (users, groups, their lists, memberships, events, errors, the cookie
/// configuration) in JSON or XML, with Crowd's element and key names.
struct CrowdEntities {
    let format: CrowdFormat

    // MARK: Users and groups

    func user(_ user: CrowdUser, attributes: Bool) -> [UInt8] {
        switch format {
        case .json: return JSONWriter.serialize(userJSON(user, full: true, attributes: attributes))
        case .xml:
            var xml = XMLText()
            write(user, as: "user", full: true, attributes: attributes, to: &xml)
            return xml.bytes
        }
    }

    func users(_ users: [CrowdUser], full: Bool, attributes: Bool) -> [UInt8] {
        switch format {
        case .json:
            let list = JSONValue.array(users.map { userJSON($0, full: full, attributes: attributes) })
            return JSONWriter.serialize(.object(JSONObject([("expand", .string("user")), ("users", list)])))
        case .xml:
            var xml = XMLText()
            xml.open("users", [("expand", "user")])
            for user in users { write(user, as: "user", full: full, attributes: attributes, to: &xml) }
            xml.close("users")
            return xml.bytes
        }
    }

    func group(_ group: CrowdGroup) -> [UInt8] {
        switch format {
        case .json: return JSONWriter.serialize(groupJSON(group, full: true))
        case .xml:
            var xml = XMLText()
            write(group, as: "group", full: true, to: &xml)
            return xml.bytes
        }
    }

    func groups(_ groups: [CrowdGroup], full: Bool) -> [UInt8] {
        switch format {
        case .json:
            let list = JSONValue.array(groups.map { groupJSON($0, full: full) })
            return JSONWriter.serialize(.object(JSONObject([("expand", .string("group")), ("groups", list)])))
        case .xml:
            var xml = XMLText()
            xml.open("groups", [("expand", "group")])
            for group in groups { write(group, as: "group", full: full, to: &xml) }
            xml.close("groups")
            return xml.bytes
        }
    }

    private func userJSON(_ user: CrowdUser, full: Bool, attributes: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", .string(user.name))]
        guard full else { return .object(JSONObject(members)) }
        members.append(("key", .string(user.key)))
        for (key, value) in [("first-name", user.firstName), ("last-name", user.lastName), ("display-name", user.displayName), ("email", user.email)]
        {
            members.append((key, value.map(JSONValue.string) ?? .null))
        }
        members.append(("active", .bool(user.active)))
        if attributes {
            members.append(("attributes", .object(JSONObject([("attributes", .array([]))]))))
        }
        return .object(JSONObject(members))
    }

    private func write(_ user: CrowdUser, as element: String, full: Bool, attributes: Bool, to xml: inout XMLText) {
        guard full else { return xml.open(element, [("name", user.name)], empty: true) }
        xml.open(element, [("name", user.name), ("expand", attributes ? "attributes" : nil)])
        xml.element("key", user.key)
        xml.element("first-name", user.firstName ?? "")
        xml.element("last-name", user.lastName ?? "")
        xml.element("display-name", user.displayName ?? "")
        xml.element("email", user.email ?? "")
        xml.element("active", user.active ? "true" : "false")
        if attributes { xml.open("attributes", empty: true) }
        xml.close(element)
    }

    private func groupJSON(_ group: CrowdGroup, full: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", .string(group.name))]
        guard full else { return .object(JSONObject(members)) }
        members.append(("description", group.description.map(JSONValue.string) ?? .null))
        members.append(("type", .string("GROUP")))
        members.append(("active", .bool(group.active)))
        return .object(JSONObject(members))
    }

    private func write(_ group: CrowdGroup, as element: String, full: Bool, to xml: inout XMLText) {
        guard full else { return xml.open(element, [("name", group.name)], empty: true) }
        xml.open(element, [("name", group.name)])
        xml.element("description", group.description ?? "")
        xml.element("type", "GROUP")
        xml.element("active", group.active ? "true" : "false")
        xml.close(element)
    }

    // MARK: Errors, configuration, events

    func error(_ error: CrowdError) -> [UInt8] {
        switch format {
        case .json:
            return JSONWriter.serialize(.object(JSONObject([("reason", .string(error.reason)), ("message", .string(error.message))])))
        case .xml:
            var xml = XMLText()
            xml.open("error")
            xml.element("reason", error.reason)
            xml.element("message", error.message)
            xml.close("error")
            return xml.bytes
        }
    }

    /// Crowd's SSO cookie settings; ScimSync issues no Crowd SSO cookie, so no domain.
    func cookieConfiguration() -> [UInt8] {
        switch format {
        case .json:
            return JSONWriter.serialize(.object(JSONObject([("secure", .bool(true)), ("name", .string("crowd.token_key"))])))
        case .xml:
            var xml = XMLText()
            xml.open("cookie-config")
            xml.element("secure", "true")
            xml.element("name", "crowd.token_key")
            xml.close("cookie-config")
            return xml.bytes
        }
    }

    func events(_ events: [CrowdEvent], token: String) -> [UInt8] {
        switch format {
        case .json:
            var members: [(key: String, value: JSONValue)] = [
                ("newEventToken", .string(token)), ("incrementalSynchronisationAvailable", .bool(true)),
            ]
            members.append(("events", .array(events.map(eventJSON))))
            return JSONWriter.serialize(.object(JSONObject(members)))
        case .xml:
            var xml = XMLText()
            xml.open("events", [("newEventToken", token), ("incrementalSynchronisationAvailable", "true")])
            for event in events { write(event, to: &xml) }
            xml.close("events")
            return xml.bytes
        }
    }

    /// The entity element, and the member's, each event names (Crowd's `EventEntityList` elements).
    private func parts(_ event: CrowdEvent) -> (element: String, entity: String?, member: String?, memberList: String?) {
        switch (event.kind, event.memberKind) {
        case (.user, _): ("userEvent", "user", nil, nil)
        case (.group, _): ("groupEvent", "group", nil, nil)
        case (.membership, "user"): ("userMembershipEvent", nil, "childUser", nil)
        case (.membership, _): ("groupMembershipEvent", "group", nil, "childGroups")
        }
    }

    private func write(_ event: CrowdEvent, to xml: inout XMLText) {
        let parts = parts(event)
        xml.open(parts.element)
        xml.element("operation", event.operation)
        if let user = event.user {
            write(user, as: "user", full: true, attributes: false, to: &xml)
        } else if let group = event.group {
            write(group, as: "group", full: true, to: &xml)
        } else if let entity = parts.entity, parts.memberList == nil {
            xml.open(entity, [("name", event.name)], empty: true)
        }
        if let member = parts.member {
            xml.open(member, [("name", event.memberName)], empty: true)
            xml.open("parentGroups")
            xml.open("group", [("name", event.name)], empty: true)
            xml.close("parentGroups")
        }
        if let list = parts.memberList {
            xml.open("group", [("name", event.memberName)], empty: true)
            xml.open("parentGroups")
            xml.open("group", [("name", event.name)], empty: true)
            xml.close("parentGroups")
            xml.open(list)
            xml.close(list)
        }
        xml.close(parts.element)
    }

    private func eventJSON(_ event: CrowdEvent) -> JSONValue {
        let parts = parts(event)
        let named = { (name: String?) in JSONValue.object(JSONObject([("name", name.map(JSONValue.string) ?? .null)])) }
        let parentGroups = JSONValue.object(JSONObject([("groups", .array([named(event.name)]))]))
        var members: [(key: String, value: JSONValue)] = [("type", .string(parts.element)), ("operation", .string(event.operation))]
        if let member = parts.member {
            members += [(member, named(event.memberName)), ("parentGroups", parentGroups)]
        } else if parts.memberList != nil {
            members += [("group", named(event.memberName)), ("parentGroups", parentGroups)]
        } else if let user = event.user {
            members.append(("user", userJSON(user, full: true, attributes: false)))
        } else if let group = event.group {
            members.append(("group", groupJSON(group, full: true)))
        } else if let entity = parts.entity {
            members.append((entity, named(event.name)))
        }
        return .object(JSONObject(members))
    }
}
