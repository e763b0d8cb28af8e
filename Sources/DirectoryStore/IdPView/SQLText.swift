import GRDB

/// SQL text with the values bound to its `?` parameters, composed by string interpolation as
/// GRDB's `SQL` is: an interpolated value becomes a `?` and an argument, an interpolated
/// `SQLText` adds its text and arguments, and only literals of this module and ``constant(_:)``
/// names become text. List queries compose one per request; GRDB's `SQL`, resolved element by
/// element when it is built, cost an eighth of a filtered request.
struct SQLText: ExpressibleByStringInterpolation, Sendable {
    private(set) var text: String
    private(set) var arguments: [DatabaseValue]

    init(stringLiteral literal: StaticString) {
        text = literal.description
        arguments = []
    }

    init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        arguments = stringInterpolation.arguments
    }

    private init(text: String, arguments: [DatabaseValue]) {
        self.text = text
        self.arguments = arguments
    }

    /// A column or table name of this module's own (``FilterSQL/Columns``): never a request's text.
    static func constant(_ name: String) -> SQLText {
        SQLText(text: name, arguments: [])
    }

    static func += (sql: inout SQLText, other: SQLText) {
        sql.text += other.text
        sql.arguments += other.arguments
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        var arguments: [DatabaseValue] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + 2 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: StaticString) {
            text += literal.description
        }

        mutating func appendInterpolation(_ sql: SQLText) {
            text += sql.text
            arguments += sql.arguments
        }

        mutating func appendInterpolation(_ value: some DatabaseValueConvertible) {
            text += "?"
            arguments.append(value.databaseValue)
        }
    }
}

extension [SQLText] {
    /// The texts one after the other with `separator` between them, their arguments in the same order.
    func joined(separator: SQLText) -> SQLText {
        var joined: SQLText = ""
        for (index, sql) in enumerated() {
            if index > 0 { joined += separator }
            joined += sql
        }
        return joined
    }
}
