/// The edits PATCH makes to one attribute, wherever it lives (the resource or an extension object).
struct AttributeEdit {
    let resourceType: ResourceType
    let attribute: AttributePath
    /// ``PatchDialect/createOnAbsent``: a value filter matching nothing creates the element it describes.
    var createOnAbsent = false

    private var isExtension: Bool {
        attribute.schema.map { !$0.caseInsensitiveEquals(resourceType.schema.id) } ?? false
    }

    private var isMultiValued: Bool? {
        resourceType.definition(for: attribute.parent)?.multiValued
    }

    // MARK: add and replace

    func set(_ value: JSONValue, replacing: Bool, in resource: inout JSONObject) throws(ScimError) {
        if attribute.name.isEmpty {
            guard let members = value.objectValue else {
                throw .invalidValue("The value for the extension '\(attribute.schema ?? "")' must be an object.")
            }
            for (name, memberValue) in members {
                try AttributeEdit(
                    resourceType: resourceType,
                    attribute: AttributePath(schema: attribute.schema, name: name),
                    createOnAbsent: createOnAbsent
                )
                .set(memberValue, replacing: replacing, in: &resource)
            }
            return
        }
        editContainer(of: &resource, creating: true) { container in
            if let sub = attribute.subAttribute {
                container[attribute.name] = Self.setting(sub, to: value, in: container[attribute.name])
            } else if isMultiValued ?? (container[attribute.name]?.arrayValue != nil || value.arrayValue != nil) {
                let incoming = value.isNull ? [] : (value.arrayValue ?? [value])
                let merged = replacing ? incoming : Self.appending(incoming, to: container[attribute.name]?.arrayValue ?? [])
                container[attribute.name] = .array(Self.enforcingSinglePrimary(merged, preferring: incoming))
            } else if let incoming = value.objectValue, let existing = container[attribute.name]?.objectValue {
                container[attribute.name] = .object(Self.merging(incoming, into: existing))
            } else {
                container[attribute.name] = value
            }
        }
    }

    func setElements(
        matching filter: Filter,
        subAttribute: String?,
        to value: JSONValue,
        replacing: Bool,
        in resource: inout JSONObject
    ) throws(ScimError) {
        var failure: ScimError?
        editContainer(of: &resource, creating: true) { container in
            var elements = container[attribute.name]?.arrayValue ?? []
            let matched = matchingIndices(filter, in: elements)
            if matched.isEmpty {
                // Entra ID writes emails[type eq "work"].value to a user without a work email.
                guard createOnAbsent, var created = Self.template(from: filter) else {
                    failure = .noTarget("No value of '\(attribute.name)' matches the filter.")
                    return
                }
                if let subAttribute {
                    created[subAttribute] = value
                } else if let object = value.objectValue {
                    created = Self.merging(object, into: created)
                }
                elements.append(.object(created))
            }
            for index in matched {
                let element = elements[index].objectValue ?? JSONObject()
                if let subAttribute {
                    var updated = element
                    updated[subAttribute] = value
                    elements[index] = .object(updated)
                } else if let object = value.objectValue {
                    elements[index] = .object(replacing ? object : Self.merging(object, into: element))
                } else {
                    elements[index] = value
                }
            }
            let touched = matched.isEmpty ? [elements[elements.count - 1]] : matched.map { elements[$0] }
            container[attribute.name] = .array(Self.enforcingSinglePrimary(elements, preferring: touched))
        }
        if let failure { throw failure }
    }

    // MARK: remove

    func remove(values: JSONValue?, from resource: inout JSONObject) {
        if attribute.name.isEmpty {
            resource[attribute.schema ?? ""] = nil
            Self.removeSchema(attribute.schema, from: &resource)
            return
        }
        editContainer(of: &resource, creating: false) { container in
            if let sub = attribute.subAttribute {
                container[attribute.name] = Self.setting(sub, to: nil, in: container[attribute.name])
            } else if let listed = values.flatMap({ $0.arrayValue ?? [$0] }), !listed.isEmpty,
                let elements = container[attribute.name]?.arrayValue
            {
                // Entra ID: {"op":"Remove","path":"members","value":[{"value":"id"}]} removes those members only;
                // an element goes when a listed value agrees with every member the listed value names.
                container[attribute.name] = .array(elements.filter { element in !listed.contains { Self.describes($0, element) } })
            } else {
                container[attribute.name] = nil
            }
        }
    }

    func removeElements(matching filter: Filter, subAttribute: String?, from resource: inout JSONObject) {
        editContainer(of: &resource, creating: false) { container in
            guard var elements = container[attribute.name]?.arrayValue else { return }
            let matched = matchingIndices(filter, in: elements)
            if let subAttribute {
                for index in matched {
                    var element = elements[index].objectValue ?? JSONObject()
                    element[subAttribute] = nil
                    elements[index] = .object(element)
                }
            } else {
                for index in matched.reversed() { elements.remove(at: index) }
            }
            container[attribute.name] = .array(elements)
        }
    }

    // MARK: helpers

    private func matchingIndices(_ filter: Filter, in elements: [JSONValue]) -> [Int] {
        let evaluator = FilterEvaluator(resourceType: resourceType, parent: attribute)
        return elements.indices.filter { elements[$0].objectValue.map { evaluator.matches(filter, $0) } ?? false }
    }

    /// Runs `edit` on the object that holds the attribute; an empty attribute or extension is dropped.
    private func editContainer(of resource: inout JSONObject, creating: Bool, _ edit: (inout JSONObject) -> Void) {
        guard isExtension, let urn = attribute.schema else {
            edit(&resource)
            Self.dropIfEmpty(attribute.name, in: &resource)
            return
        }
        guard var container = resource[urn]?.objectValue ?? (creating ? JSONObject() : nil) else { return }
        edit(&container)
        Self.dropIfEmpty(attribute.name, in: &container)
        if container.isEmpty {
            resource[urn] = nil
            Self.removeSchema(urn, from: &resource)
        } else {
            resource[urn] = .object(container)
            Self.addSchema(urn, to: &resource)
        }
    }

    private static func dropIfEmpty(_ name: String, in object: inout JSONObject) {
        switch object[name] {
        case .null?, .array([])?: object[name] = nil
        case .object(let inner)? where inner.isEmpty: object[name] = nil
        default: break
        }
    }

    private static func setting(_ sub: String, to value: JSONValue?, in current: JSONValue?) -> JSONValue? {
        if let elements = current?.arrayValue {
            return .array(
                elements.map { element in
                    var object = element.objectValue ?? JSONObject()
                    object[sub] = value
                    return .object(object)
                }
            )
        }
        var object = current?.objectValue ?? JSONObject()
        object[sub] = value
        return object.isEmpty ? nil : .object(object)
    }

    private static func merging(_ incoming: JSONObject, into existing: JSONObject) -> JSONObject {
        var result = existing
        for (key, value) in incoming { result[key] = value }
        return result
    }

    private static func appending(_ incoming: [JSONValue], to existing: [JSONValue]) -> [JSONValue] {
        var result = existing
        // Indexed by identity: a linear search per element made adding 10,000 values quadratic.
        var positions: [String: Int] = [:]
        for (index, element) in existing.enumerated().reversed() {
            positions[JSONWriter.string(identity(element))] = index
        }
        for element in incoming {
            let key = JSONWriter.string(identity(element))
            if let index = positions[key] {
                result[index] = element
            } else {
                positions[key] = result.count
                result.append(element)
            }
        }
        return result
    }

    /// Whether `listed` names `element`: equal, or an object whose members all match the element's.
    private static func describes(_ listed: JSONValue, _ element: JSONValue) -> Bool {
        guard let wanted = listed.objectValue, let candidate = element.objectValue else { return listed == element }
        return wanted.allSatisfy { member in candidate[member.key] == member.value }
    }

    /// What makes two elements of a multi-valued attribute the same one: their `value` (and
    /// `type`, so a work and a home email with one address stay two), else the whole element.
    private static func identity(_ element: JSONValue) -> JSONValue {
        guard let object = element.objectValue, let value = object["value"] else { return element }
        return .array([value, object["type"] ?? .null])
    }

    /// RFC 7643 §2.4: at most one element is primary; the one just written wins.
    private static func enforcingSinglePrimary(_ elements: [JSONValue], preferring incoming: [JSONValue]) -> [JSONValue] {
        let isPrimary = { (element: JSONValue) in element["primary"]?.isTruthy == true }
        guard elements.filter(isPrimary).count > 1 else { return elements }
        let winner =
            incoming.last(where: isPrimary).flatMap { chosen in elements.lastIndex(of: chosen) }
            ?? elements.lastIndex(where: isPrimary)
        return elements.enumerated().map { index, element in
            guard index != winner, isPrimary(element), var object = element.objectValue else { return element }
            object["primary"] = .bool(false)
            return .object(object)
        }
    }

    /// The element a value filter describes, for create-on-absent: `type eq "work"` gives `{"type":"work"}`.
    private static func template(from filter: Filter) -> JSONObject? {
        switch filter {
        case .compare(let path, .eq, let literal) where path.schema == nil && path.subAttribute == nil:
            return JSONObject([(path.name, literal)])
        case .and(let left, let right):
            guard let a = template(from: left), let b = template(from: right) else { return nil }
            return merging(b, into: a)
        default:
            return nil
        }
    }

    static func addSchema(_ urn: String, to resource: inout JSONObject) {
        var schemas = resource["schemas"]?.arrayValue ?? []
        guard !schemas.contains(where: { $0.stringValue?.caseInsensitiveEquals(urn) == true }) else { return }
        schemas.append(.string(urn))
        resource["schemas"] = .array(schemas)
    }

    static func removeSchema(_ urn: String?, from resource: inout JSONObject) {
        guard let urn, let schemas = resource["schemas"]?.arrayValue else { return }
        resource["schemas"] = .array(schemas.filter { $0.stringValue?.caseInsensitiveEquals(urn) != true })
    }
}

extension JSONValue {
    /// `true`, or Entra ID's string `"True"`.
    var isTruthy: Bool {
        switch self {
        case .bool(let flag): flag
        case .string(let text): text.caseInsensitiveEquals("true")
        default: false
        }
    }
}
