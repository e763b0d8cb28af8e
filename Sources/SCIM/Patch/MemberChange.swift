/// A change to a group's member list, applied to the member table row by row, so that adding
/// or removing one member never reads or rewrites the others.
public enum MemberChange: Sendable, Equatable {
    case add([MemberValue])
    case remove(ids: [String])
    case removeMatching(Filter)
    case removeAll
    case replace([MemberValue])
}

/// A member as a request names it: an id and, optionally, its type (`User` or `Group`) and the
/// `display` the IdP wrote, which the IdP view reads back as written.
public struct MemberValue: Sendable, Equatable {
    public var id: String
    public var type: String?
    public var display: String?

    public init(id: String, type: String? = nil, display: String? = nil) {
        self.id = id
        self.type = type
        self.display = display
    }

    /// Reads `[{"value": id, "type": …}]`, type-checked like the schema's `members` (a single
    /// object only with ``ValueConversions/singleValueAsArray``); `null` is no member.
    public static func list(from value: JSONValue?, conversions: ValueConversions = .rfc) throws(ScimError) -> [MemberValue] {
        guard let value, !value.isNull else { return [] }
        let definition = CoreSchemas.group.attribute("members")!
        guard
            case .array(let elements)? = try ValueNormalizer(resourceType: .group, conversions: conversions)
                .normalize(value, definition, at: "members")
        else { return [] }
        var members: [MemberValue] = []
        for element in elements {
            guard let id = element["value"]?.stringValue, !id.isEmpty else {
                throw .invalidValue("Each member needs a 'value' holding the member's id.")
            }
            members.append(MemberValue(id: id, type: element["type"]?.stringValue, display: element["display"]?.stringValue))
        }
        return members
    }
}

/// Separates the member changes of a group PATCH from the operations on its other attributes.
public enum MemberPatch {
    public static func split(
        _ request: PatchRequest,
        conversions: ValueConversions = .rfc
    ) throws(ScimError) -> (members: [MemberChange], rest: PatchRequest) {
        var changes: [MemberChange] = []
        var rest: [PatchOperation] = []
        for operation in request.operations {
            if let path = operation.path {
                guard isMembers(path.attribute) else {
                    rest.append(operation)
                    continue
                }
                changes.append(try change(operation, path, conversions))
            } else if var object = operation.value?.objectValue, let members = object["members"] {
                let values = try MemberValue.list(from: members, conversions: conversions)
                changes.append(operation.kind == .replace ? .replace(values) : .add(values))
                object["members"] = nil
                if !object.isEmpty { rest.append(PatchOperation(kind: operation.kind, value: .object(object))) }
            } else {
                rest.append(operation)
            }
        }
        try MemberChange.checkLimit(changes)
        return (changes, PatchRequest(operations: rest))
    }

    private static func isMembers(_ path: AttributePath) -> Bool {
        path.name.caseInsensitiveEquals("members")
            && (path.schema == nil || path.schema!.caseInsensitiveEquals(ScimSchemaURN.group))
    }

    private static func change(
        _ operation: PatchOperation,
        _ path: PatchPath,
        _ conversions: ValueConversions
    ) throws(ScimError) -> MemberChange {
        guard path.attribute.subAttribute == nil, path.subAttributeAfterFilter == nil else {
            throw .invalidPath("Members are added or removed whole; '\(path)' names a part of one.")
        }
        switch (operation.kind, path.valueFilter) {
        case (.add, nil): return .add(try MemberValue.list(from: operation.value, conversions: conversions))
        case (.replace, nil): return .replace(try MemberValue.list(from: operation.value, conversions: conversions))
        case (.remove, nil):
            let listed = try MemberValue.list(from: operation.value, conversions: conversions)
            return listed.isEmpty ? .removeAll : .remove(ids: listed.map(\.id))
        case (.remove, let filter?):
            if let ids = idsNamed(by: filter) { return .remove(ids: ids) }
            return .removeMatching(filter)
        default:
            throw .invalidPath("A filtered members path can only be removed.")
        }
    }

    /// `value eq "a"`, or several joined with `or`: the ids to remove without reading the list.
    static func idsNamed(by filter: Filter) -> [String]? {
        var ids: [String] = []
        return collectIDs(filter, into: &ids) ? ids : nil
    }

    private static func collectIDs(_ filter: Filter, into ids: inout [String]) -> Bool {
        switch filter {
        case .compare(let path, .eq, .string(let id)) where path.name.caseInsensitiveEquals("value") && path.subAttribute == nil:
            ids.append(id)
            return true
        case .or(let left, let right):
            return collectIDs(left, into: &ids) && collectIDs(right, into: &ids)
        default:
            return false
        }
    }
}

extension MemberChange {
    /// The members this change names one by one.
    var namedCount: Int {
        switch self {
        case .add(let members), .replace(let members): members.count
        case .remove(let ids): ids.count
        case .removeMatching, .removeAll: 0
        }
    }

    /// Refuses a request that names more members than ``ScimLimit/membersPerRequest``: each one
    /// is a row and a derivation inside the write transaction.
    public static func checkLimit(_ changes: [MemberChange]) throws(ScimError) {
        let count = changes.reduce(0) { $0 + $1.namedCount }
        guard count <= ScimLimit.membersPerRequest.value else {
            throw ScimLimit.membersPerRequest.exceeded("The request changes \(count) members", status: 413, scimType: nil)
        }
    }
}
