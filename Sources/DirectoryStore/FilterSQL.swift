import Foundation
import GRDB
import SCIM

/// Compiles a SCIM ``Filter`` to an SQL condition over an IdP-view table, so list queries run
/// in SQLite: indexed columns for `id`, `userName`, `externalId`, `displayName`, `active` and
/// `meta` dates; SQLite's JSON functions for every other attribute, extension attributes and
/// multi-valued value paths included.
struct FilterSQL {
    /// How a resource type's attributes map to columns of its table.
    struct Columns {
        let resourceType: ResourceType
        /// attribute name (lowercased) → (column, column holds the case-folded value)
        let indexed: [String: (column: String, folded: Bool)]
        /// Set for groups: `members` lives in this table, not in the resource JSON.
        var memberTable: String? = nil
        /// Set for users: `emails.value` equality is looked up in `scim_user_email`.
        var emailTable: String? = nil
        let created = "created_at"
        let modified = "modified_at"
    }

    static let users = Columns(
        resourceType: .user,
        indexed: [
            "id": ("id", false),
            "username": ("user_name_key", true),
            "externalid": ("external_id", false),
            "displayname": ("display_name_key", true),
            "active": ("active", false),
        ],
        emailTable: "scim_user"
    )

    static let groups = Columns(
        resourceType: .group,
        indexed: [
            "id": ("id", false),
            "displayname": ("display_name_key", true),
            "externalid": ("external_id", false),
        ],
        memberTable: "scim_group"
    )

    let columns: Columns
    private(set) var arguments: [any DatabaseValueConvertible & Sendable] = []

    init(columns: Columns) {
        self.columns = columns
    }

    mutating func compile(_ filter: Filter) throws(ScimError) -> String {
        switch filter {
        case .and(let left, let right): return "(\(try compile(left)) AND \(try compile(right)))"
        case .or(let left, let right): return "(\(try compile(left)) OR \(try compile(right)))"
        case .not(let inner): return "NOT (\(try compile(inner)))"
        case .present(let path): return try present(path)
        case .compare(let path, let op, let literal): return try compare(path, op, literal)
        case .valuePath(let path, let inner): return try valuePath(path, inner)
        }
    }

    // MARK: attribute expressions

    private struct Operand {
        var sql: String
        var caseExact: Bool
        var folded: Bool
        var type: AttributeDefinition.DataType
    }

    private func operand(_ path: AttributePath) throws(ScimError) -> Operand {
        let definition = columns.resourceType.definition(for: path)
        let type = definition?.type ?? .string
        let caseExact = definition?.caseExact ?? false
        let isCore = path.schema.map { columns.resourceType.schema.id.caseInsensitiveEquals($0) } ?? true
        if isCore, path.subAttribute == nil, let mapped = columns.indexed[path.name.lowercased()] {
            return Operand(sql: mapped.column, caseExact: caseExact, folded: mapped.folded, type: type)
        }
        if isCore, path.name.caseInsensitiveEquals("meta"), let sub = path.subAttribute?.lowercased() {
            switch sub {
            case "created": return Operand(sql: columns.created, caseExact: true, folded: false, type: .dateTime)
            case "lastmodified": return Operand(sql: columns.modified, caseExact: true, folded: false, type: .dateTime)
            default: throw .invalidFilter("Filtering on meta.\(sub) is not supported.")
            }
        }
        return Operand(
            sql: "json_extract(resource, '\(Self.jsonPath(path, resourceType: columns.resourceType))')",
            caseExact: caseExact,
            folded: false,
            type: type
        )
    }

    private func isMultiValued(_ path: AttributePath) -> Bool {
        columns.resourceType.topLevelDefinition(for: path)?.multiValued == true
    }

    /// `$.name.givenName`, or `$."urn:…:User".department` for an extension attribute.
    static func jsonPath(_ path: AttributePath, resourceType: ResourceType) -> String {
        var text = "$"
        if let schema = path.schema, !schema.caseInsensitiveEquals(resourceType.schema.id) {
            text += ".\"\(schema.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\"", with: ""))\""
        }
        for part in [path.name, path.subAttribute].compactMap({ $0 }) {
            text += ".\"\(part)\""
        }
        return text
    }

    // MARK: operators

    private mutating func compare(_ path: AttributePath, _ op: ComparisonOperator, _ literal: JSONValue) throws(ScimError) -> String {
        if let indexed = indexedEmail(path, op, literal) { return indexed }
        if isMultiValued(path) {
            // emails.value eq "x" ≡ emails[value eq "x"]; emails eq "x" compares each element's value.
            let inner = Filter.compare(AttributePath(name: path.subAttribute ?? "value"), op, literal)
            return try valuePath(path.parent, inner)
        }
        return try compare(try operand(path), op, literal)
    }

    private mutating func compare(_ operand: Operand, _ op: ComparisonOperator, _ literal: JSONValue) throws(ScimError) -> String {
        switch literal {
        case .null:
            switch op {
            case .eq: return "\(operand.sql) IS NULL"
            case .ne: return "\(operand.sql) IS NOT NULL"
            default: throw .invalidFilter("Only eq and ne compare with null.")
            }
        case .bool(let flag):
            guard op == .eq || op == .ne else { throw .invalidFilter("Booleans compare only with eq and ne.") }
            arguments.append(flag ? 1 : 0)
            return op == .eq ? "\(operand.sql) = ?" : "(\(operand.sql) IS NULL OR \(operand.sql) <> ?)"
        case .number(let text):
            if operand.type == .decimal || operand.type == .integer {
                guard let number = Double(text) else { throw .invalidFilter("'\(text)' is not a number.") }
                return try ordered(operand.sql, op, number)
            }
            return try compareText(operand, op, text)
        case .string(let text):
            if operand.type == .boolean { throw .invalidFilter("A boolean attribute compares with true or false.") }
            if operand.type == .dateTime { return try compareText(operand, op, try Self.storedTimestamp(text)) }
            return try compareText(operand, op, text)
        case .array, .object:
            throw .invalidFilter("A filter value must be a string, number, boolean or null.")
        }
    }

    private mutating func compareText(_ operand: Operand, _ op: ComparisonOperator, _ text: String) throws(ScimError) -> String {
        var column = operand.sql
        var value = text
        if !operand.caseExact {
            value = text.nameKey
            if !operand.folded { column = "scim_fold(\(operand.sql))" }
        }
        switch op {
        case .eq, .ne, .gt, .ge, .lt, .le:
            return try ordered(column, op, value)
        case .co, .sw,
            .ew where operand.caseExact:
            // LIKE folds ASCII case, so case-exact attributes compare by substring.
            switch op {
            case .co:
                arguments.append(value)
                return "instr(\(column), ?) > 0"
            case .sw:
                arguments += [value, value]
                return "substr(\(column), 1, length(?)) = ?"
            default:
                arguments += [value, value]
                return "substr(\(column), -length(?)) = ?"
            }
        case .co, .sw, .ew:
            let pattern = Self.likeEscaped(value)
            arguments.append(op == .co ? "%\(pattern)%" : op == .sw ? "\(pattern)%" : "%\(pattern)")
            return "\(column) LIKE ? ESCAPE '\\'"
        }
    }

    private mutating func ordered<T: DatabaseValueConvertible & Sendable>(
        _ column: String,
        _ op: ComparisonOperator,
        _ value: T
    ) throws(ScimError) -> String {
        arguments.append(value)
        switch op {
        case .eq: return "\(column) = ?"
        case .ne: return "(\(column) IS NULL OR \(column) <> ?)"
        case .gt: return "\(column) > ?"
        case .ge: return "\(column) >= ?"
        case .lt: return "\(column) < ?"
        case .le: return "\(column) <= ?"
        default: throw .invalidFilter("'\(op.rawValue)' does not apply here.")
        }
    }

    private mutating func present(_ path: AttributePath) throws(ScimError) -> String {
        if let table = columns.memberTable, isMembers(path) {
            guard let sub = path.subAttribute else {
                return "EXISTS (SELECT 1 FROM scim_member m WHERE m.group_pk = \(table).pk)"
            }
            return try valuePath(path.parent, .present(AttributePath(name: sub)))
        }
        if isMultiValued(path) {
            guard let sub = path.subAttribute else {
                return "json_array_length(resource, '\(Self.jsonPath(path, resourceType: columns.resourceType))') > 0"
            }
            return try valuePath(path.parent, .present(AttributePath(name: sub)))
        }
        let operand = try operand(path)
        return "(\(operand.sql) IS NOT NULL AND \(operand.sql) <> '')"
    }

    /// `emails.value eq "x"` (or `emails[value eq "x"]`) as an index lookup in `scim_user_email`.
    private mutating func indexedEmail(_ path: AttributePath, _ op: ComparisonOperator, _ literal: JSONValue) -> String? {
        guard let table = columns.emailTable, op == .eq, case .string(let text) = literal,
            path.schema == nil || path.schema!.caseInsensitiveEquals(columns.resourceType.schema.id),
            path.name.caseInsensitiveEquals("emails"), path.subAttribute?.caseInsensitiveEquals("value") ?? true
        else { return nil }
        arguments.append(text.nameKey)
        return "\(table).pk IN (SELECT user_pk FROM scim_user_email WHERE value_key = ?)"
    }

    /// `emails[type eq "work" and value co "@x"]`: some element matches, tested with `json_each`.
    private mutating func valuePath(_ path: AttributePath, _ inner: Filter) throws(ScimError) -> String {
        if case .compare(let sub, let op, let literal) = inner, sub.schema == nil, sub.subAttribute == nil,
            let indexed = indexedEmail(AttributePath(schema: path.schema, name: path.name, subAttribute: sub.name), op, literal)
        {
            return indexed
        }
        guard isMultiValued(path) || columns.resourceType.topLevelDefinition(for: path)?.type == .complex else {
            throw .invalidFilter("'\(path)' is not a complex attribute.")
        }
        let condition = try element(inner, parent: path)
        if let table = columns.memberTable, isMembers(path) {
            return "EXISTS (SELECT 1 FROM scim_member m WHERE m.group_pk = \(table).pk AND \(condition))"
        }
        let source = Self.jsonPath(path, resourceType: columns.resourceType)
        if !isMultiValued(path) {
            return condition.replacingOccurrences(of: "__element__", with: "json_extract(resource, '\(source)')")
        }
        return
            "EXISTS (SELECT 1 FROM json_each(resource, '\(source)') AS e WHERE \(condition.replacingOccurrences(of: "__element__", with: "e.value")))"
    }

    private mutating func element(_ filter: Filter, parent: AttributePath) throws(ScimError) -> String {
        switch filter {
        case .and(let left, let right): return "(\(try element(left, parent: parent)) AND \(try element(right, parent: parent)))"
        case .or(let left, let right): return "(\(try element(left, parent: parent)) OR \(try element(right, parent: parent)))"
        case .not(let inner): return "NOT (\(try element(inner, parent: parent)))"
        case .valuePath: throw .invalidFilter("Value filters do not nest.")
        case .present(let path):
            let sql = try elementOperand(path, parent: parent).sql
            return "(\(sql) IS NOT NULL AND \(sql) <> '')"
        case .compare(let path, let op, let literal):
            return try compare(try elementOperand(path, parent: parent), op, literal)
        }
    }

    private func isMembers(_ path: AttributePath) -> Bool {
        path.name.caseInsensitiveEquals("members")
    }

    private func elementOperand(_ path: AttributePath, parent: AttributePath) throws(ScimError) -> Operand {
        if columns.memberTable != nil, isMembers(parent) {
            switch path.name.lowercased() {
            case "value": return Operand(sql: "m.member_id", caseExact: true, folded: false, type: .string)
            case "type": return Operand(sql: "m.member_type", caseExact: false, folded: false, type: .string)
            default: throw .invalidFilter("Members can be filtered by value and type only.")
            }
        }
        let definition = columns.resourceType.definition(for: AttributePath(schema: parent.schema, name: parent.name, subAttribute: path.name))
        return Operand(
            sql: "json_extract(__element__, '$.\"\(path.name)\"')",
            caseExact: definition?.caseExact ?? false,
            folded: false,
            type: definition?.type ?? .string
        )
    }

    private static let formats: [Date.ISO8601FormatStyle] = [Timestamp.parseStyle, .iso8601]

    /// A filter's dateTime in the store's own form (UTC, milliseconds), so that text order is time order.
    static func storedTimestamp(_ text: String) throws(ScimError) -> String {
        // Already in the stored form: keep it, since a trip through Date can round the milliseconds.
        if text.utf8.count == 24, text.hasSuffix("Z"), text.dropFirst(19).first == ".",
            (try? Date(text, strategy: Timestamp.parseStyle)) != nil
        {
            return text
        }
        for format in formats {
            if let date = try? Date(text, strategy: format) { return Timestamp.string(date) }
        }
        throw .invalidFilter("'\(text)' is not an RFC 3339 date and time.")
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
