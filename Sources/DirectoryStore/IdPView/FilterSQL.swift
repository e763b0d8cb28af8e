import Foundation
import GRDB
import SCIM

/// Compiles a SCIM ``Filter`` to an SQL condition (``SQLText``) over an IdP-view table, so list
/// queries run in SQLite: indexed columns for `id`, `userName`, `externalId`, `displayName`, `active` and
/// `meta` dates; SQLite's JSON functions for every other attribute, extension attributes and
/// multi-valued value paths included.
///
/// No byte of a request reaches the SQL text. Attribute paths resolve against the published
/// schemas to this table's own columns, or become JSON paths that are bound parameters
/// (`json_extract(resource, ?)`); every value is a bound parameter. The only text spliced into
/// the statements is this file's: the column names of ``Columns``, fixed subqueries and keywords.
struct FilterSQL {
    /// How a resource type's attributes map to columns of its table.
    struct Columns {
        let resourceType: ResourceType
        /// attribute name (lowercased) → (column, column holds the case-folded value)
        let indexed: [String: (column: String, folded: Bool)]
        /// Set for groups: `members` lives in `scim_member`, not in the resource JSON.
        var hasMemberTable = false
        /// Set for users: `emails.value` equality is looked up in `scim_user_email`.
        var hasEmailIndex = false
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
        hasEmailIndex: true
    )

    static let groups = Columns(
        resourceType: .group,
        indexed: [
            "id": ("id", false),
            "displayname": ("display_name_key", true),
            "externalid": ("external_id", false),
        ],
        hasMemberTable: true
    )

    let columns: Columns

    /// The filter as an SQL condition with its arguments bound.
    ///
    /// The parser bounds a filter's terms and nesting (``ScimLimit/filterTerms``,
    /// ``ScimLimit/filterNesting``), so this recursion is bounded too.
    func compile(_ filter: Filter) throws(IdPViewError) -> SQLText {
        switch filter {
        case .and, .or: return try Self.chain(filter) { filter throws(IdPViewError) in try compile(filter) }
        case .not(let inner): return Self.not(try compile(inner), of: inner)
        case .present(let path): return try present(path)
        case .compare(let path, let op, let literal): return try compare(path, op, literal)
        case .valuePath(let path, let inner): return try valuePath(path, inner)
        }
    }

    /// The `ORDER BY` expression for `sortBy`; the table's primary key always ends the order.
    func order(_ sortBy: AttributePath?, descending: Bool) throws(IdPViewError) -> SQLText {
        let direction: SQLText = descending ? "DESC" : "ASC"
        guard let sortBy else { return "pk" }
        let operand = try operand(sortBy)
        return "\(operand.sql) \(direction), pk"
    }

    /// `a AND b AND c` in one pair of parentheses for a chain of one operator: the parser nests
    /// `a or b or c` as `(a or b) or c`, and SQLite's parser refuses expressions nested about a
    /// hundred deep, which a chain of `filterMaxTerms` terms would reach.
    private static func chain(_ filter: Filter, _ compile: (Filter) throws(IdPViewError) -> SQLText) throws(IdPViewError) -> SQLText {
        let isAnd: Bool
        switch filter {
        case .and: isAnd = true
        default: isAnd = false
        }
        var operands: [SQLText] = []
        var pending = [filter]
        while let next = pending.popLast() {
            switch next {
            case .and(let left, let right) where isAnd, .or(let left, let right) where !isAnd:
                pending += [right, left]
            default:
                operands.append(try compile(next))
            }
        }
        return "(\(operands.joined(separator: isAnd ? " AND " : " OR ")))"
    }

    /// `NOT (…)`, without a second pair of parentheses around a chain, which has its own: every
    /// level of nesting counts against SQLite's parser stack.
    private static func not(_ inner: SQLText, of filter: Filter) -> SQLText {
        switch filter {
        case .and, .or: "NOT \(inner)"
        default: "NOT (\(inner))"
        }
    }

    // MARK: attribute expressions

    private struct Operand {
        var sql: SQLText
        var caseExact: Bool
        var folded: Bool
        var type: AttributeDefinition.DataType
    }

    private func operand(_ path: AttributePath) throws(IdPViewError) -> Operand {
        let resolved = try SchemaPath(path, in: columns.resourceType)
        let definition = resolved.definition
        let type = definition?.type ?? .string
        let caseExact = definition?.caseExact ?? false
        if resolved.isCore, path.subAttribute == nil, let mapped = columns.indexed[resolved.name.lowercased()] {
            return Operand(sql: .constant(mapped.column), caseExact: caseExact, folded: mapped.folded, type: type)
        }
        if resolved.isCore, resolved.name == "meta" {
            switch resolved.subAttribute {
            case "created": return Operand(sql: .constant(columns.created), caseExact: true, folded: false, type: .dateTime)
            case "lastModified": return Operand(sql: .constant(columns.modified), caseExact: true, folded: false, type: .dateTime)
            default: throw .unsupportedFilter("Filtering and sorting on \(path.description.quotedForDetail) is not supported.")
            }
        }
        return Operand(sql: "json_extract(resource, \(resolved.jsonPath))", caseExact: caseExact, folded: false, type: type)
    }

    private func isMultiValued(_ path: AttributePath) -> Bool {
        columns.resourceType.topLevelDefinition(for: path)?.multiValued == true
    }

    // MARK: operators

    private func compare(_ path: AttributePath, _ op: ComparisonOperator, _ literal: JSONValue) throws(IdPViewError) -> SQLText {
        if let indexed = indexedEmail(path, op, literal) { return indexed }
        if isMultiValued(path) {
            // emails.value eq "x" ≡ emails[value eq "x"]; emails eq "x" compares each element's value.
            let inner = Filter.compare(AttributePath(name: path.subAttribute ?? "value"), op, literal)
            return try valuePath(path.parent, inner)
        }
        return try compare(try operand(path), op, literal)
    }

    private func compare(_ operand: Operand, _ op: ComparisonOperator, _ literal: JSONValue) throws(IdPViewError) -> SQLText {
        let column = operand.sql
        switch literal {
        case .null:
            switch op {
            case .eq: return "\(column) IS NULL"
            case .ne: return "\(column) IS NOT NULL"
            default: throw .unsupportedFilter("Only eq and ne compare with null.")
            }
        case .bool(let flag):
            guard op == .eq || op == .ne else { throw .unsupportedFilter("Booleans compare only with eq and ne.") }
            let value = flag ? 1 : 0
            return op == .eq ? "\(column) = \(value)" : "(\(column) IS NULL OR \(column) <> \(value))"
        case .number(let text):
            if operand.type == .decimal || operand.type == .integer {
                guard let number = Double(text) else { throw .unsupportedFilter("\(text.quotedForDetail) is not a number.") }
                return try ordered(column, op, number)
            }
            return try compareText(operand, op, text)
        case .string(let text):
            if operand.type == .boolean { throw .unsupportedFilter("A boolean attribute compares with true or false.") }
            if operand.type == .dateTime { return try compareText(operand, op, try Self.storedTimestamp(text)) }
            return try compareText(operand, op, text)
        case .array, .object:
            throw .unsupportedFilter("A filter value must be a string, number, boolean or null.")
        }
    }

    private func compareText(_ operand: Operand, _ op: ComparisonOperator, _ text: String) throws(IdPViewError) -> SQLText {
        var column = operand.sql
        var value = text
        if !operand.caseExact {
            value = text.nameKey
            if !operand.folded { column = "scim_fold(\(operand.sql))" }
        }
        switch op {
        case .eq, .ne, .gt, .ge, .lt, .le:
            return try ordered(column, op, value)
        case .co where operand.caseExact:
            // LIKE folds ASCII case, so case-exact attributes compare by substring.
            return "instr(\(column), \(value)) > 0"
        case .sw where operand.caseExact:
            return "substr(\(column), 1, length(\(value))) = \(value)"
        case .ew where operand.caseExact:
            return "substr(\(column), -length(\(value))) = \(value)"
        case .co, .sw, .ew:
            let pattern = Self.likeEscaped(value)
            let like = op == .co ? "%\(pattern)%" : op == .sw ? "\(pattern)%" : "%\(pattern)"
            return "\(column) LIKE \(like) ESCAPE '\\'"
        }
    }

    private func ordered(
        _ column: SQLText,
        _ op: ComparisonOperator,
        _ value: some DatabaseValueConvertible & Sendable
    ) throws(IdPViewError) -> SQLText {
        switch op {
        case .eq: return "\(column) = \(value)"
        case .ne: return "(\(column) IS NULL OR \(column) <> \(value))"
        case .gt: return "\(column) > \(value)"
        case .ge: return "\(column) >= \(value)"
        case .lt: return "\(column) < \(value)"
        case .le: return "\(column) <= \(value)"
        default: throw .unsupportedFilter("'\(op.rawValue)' does not apply here.")
        }
    }

    private func present(_ path: AttributePath) throws(IdPViewError) -> SQLText {
        if columns.hasMemberTable, isMembers(path) {
            guard let sub = path.subAttribute else {
                return "EXISTS (SELECT 1 FROM scim_member m WHERE m.group_pk = scim_group.pk)"
            }
            return try valuePath(path.parent, .present(AttributePath(name: sub)))
        }
        if isMultiValued(path) {
            guard let sub = path.subAttribute else {
                return "json_array_length(resource, \(try SchemaPath(path, in: columns.resourceType).jsonPath)) > 0"
            }
            return try valuePath(path.parent, .present(AttributePath(name: sub)))
        }
        let operand = try operand(path)
        return "(\(operand.sql) IS NOT NULL AND \(operand.sql) <> '')"
    }

    /// `emails.value eq "x"` (or `emails[value eq "x"]`) as an index lookup in `scim_user_email`.
    private func indexedEmail(_ path: AttributePath, _ op: ComparisonOperator, _ literal: JSONValue) -> SQLText? {
        guard columns.hasEmailIndex, op == .eq, case .string(let text) = literal,
            path.schema == nil || path.schema!.caseInsensitiveEquals(columns.resourceType.schema.id),
            path.name.caseInsensitiveEquals("emails"), path.subAttribute?.caseInsensitiveEquals("value") ?? true
        else { return nil }
        return "scim_user.pk IN (SELECT user_pk FROM scim_user_email WHERE value_key = \(text.nameKey))"
    }

    /// `emails[type eq "work" and value co "@x"]`: some element matches, tested with `json_each`.
    private func valuePath(_ path: AttributePath, _ inner: Filter) throws(IdPViewError) -> SQLText {
        if case .compare(let sub, let op, let literal) = inner, sub.schema == nil, sub.subAttribute == nil,
            let indexed = indexedEmail(AttributePath(schema: path.schema, name: path.name, subAttribute: sub.name), op, literal)
        {
            return indexed
        }
        let resolved = try SchemaPath(path, in: columns.resourceType)
        guard let definition = resolved.definition, definition.multiValued || definition.type == .complex else {
            throw .unsupportedFilter("\(path.description.quotedForDetail) is not a complex attribute.")
        }
        if columns.hasMemberTable, isMembers(path) {
            let condition = try element(inner, parent: resolved, source: .memberRow)
            return "EXISTS (SELECT 1 FROM scim_member m WHERE m.group_pk = scim_group.pk AND \(condition))"
        }
        if !definition.multiValued {
            return try element(inner, parent: resolved, source: .resource)
        }
        let condition = try element(inner, parent: resolved, source: .arrayElement)
        return "EXISTS (SELECT 1 FROM json_each(resource, \(resolved.jsonPath)) AS e WHERE \(condition))"
    }

    /// Where the sub-attributes of a value filter's element are read from.
    private enum ElementSource {
        /// A member row of `scim_member`, aliased `m`.
        case memberRow
        /// An element of a multi-valued attribute, as `json_each` names it (`e.value`).
        case arrayElement
        /// The single-valued complex attribute itself, inside the resource.
        case resource
    }

    private func element(_ filter: Filter, parent: SchemaPath, source: ElementSource) throws(IdPViewError) -> SQLText {
        switch filter {
        case .and, .or:
            return try Self.chain(filter) { filter throws(IdPViewError) in try element(filter, parent: parent, source: source) }
        case .not(let inner): return Self.not(try element(inner, parent: parent, source: source), of: inner)
        case .valuePath: throw .unsupportedFilter("Value filters do not nest.")
        case .present(let path):
            let sql = try elementOperand(path, parent: parent, source: source).sql
            return "(\(sql) IS NOT NULL AND \(sql) <> '')"
        case .compare(let path, let op, let literal):
            return try compare(try elementOperand(path, parent: parent, source: source), op, literal)
        }
    }

    private func isMembers(_ path: AttributePath) -> Bool {
        path.name.caseInsensitiveEquals("members")
    }

    private func elementOperand(_ path: AttributePath, parent: SchemaPath, source: ElementSource) throws(IdPViewError) -> Operand {
        guard path.schema == nil, path.subAttribute == nil else {
            throw .unsupportedFilter("Inside \(parent.name)[…], name a sub-attribute of \(parent.name), not \(path.description.quotedForDetail).")
        }
        let sub = try parent.appending(path.name)
        let definition = sub.definition
        switch source {
        case .memberRow:
            switch sub.subAttribute {
            case "value": return Operand(sql: "m.member_id", caseExact: true, folded: false, type: .string)
            case "type": return Operand(sql: "m.member_type", caseExact: false, folded: false, type: .string)
            default: throw .unsupportedFilter("Members can be filtered by value and type only.")
            }
        case .arrayElement:
            return Operand(
                sql: "json_extract(e.value, \(sub.elementJSONPath))",
                caseExact: definition?.caseExact ?? false,
                folded: false,
                type: definition?.type ?? .string
            )
        case .resource:
            return Operand(
                sql: "json_extract(resource, \(sub.jsonPath))",
                caseExact: definition?.caseExact ?? false,
                folded: false,
                type: definition?.type ?? .string
            )
        }
    }

    private static let formats: [Date.ISO8601FormatStyle] = [Timestamp.parseStyle, .iso8601]

    /// A filter's dateTime in the store's own form (UTC, milliseconds), so that text order is time order.
    static func storedTimestamp(_ text: String) throws(IdPViewError) -> String {
        // Already in the stored form: keep it, since a trip through Date can round the milliseconds.
        if Timestamp.isStored(text) { return text }
        for format in formats {
            if let date = try? Date(text, strategy: format) { return Timestamp.string(date) }
        }
        throw .unsupportedFilter("\(text.quotedForDetail) is not an RFC 3339 date and time.")
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
