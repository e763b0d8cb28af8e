import Foundation

/// The semantics of one comparison operator between an attribute value and a filter literal.
enum Comparison {
    static func holds(_ value: JSONValue, _ op: ComparisonOperator, _ literal: JSONValue, caseExact: Bool) -> Bool {
        switch (value, literal) {
        case (.string(let left), .string(let right)):
            return compareStrings(left, right, op, caseExact: caseExact)
        case (.string(let left), .number(let right)):
            return compareStrings(left, right, op, caseExact: caseExact)
        case (.number, .number):
            guard let left = value.numberValue, let right = literal.numberValue else { return false }
            return compareOrdered(left, right, op)
        case (.bool(let left), .bool(let right)):
            switch op {
            case .eq: return left == right
            case .ne: return left != right
            default: return false
            }
        case (_, .null):
            return op == .ne ? !value.isNull : value.isNull
        default:
            return op == .ne
        }
    }

    private static func compareStrings(_ left: String, _ right: String, _ op: ComparisonOperator, caseExact: Bool) -> Bool {
        let a = caseExact ? left : left.nameKey
        let b = caseExact ? right : right.nameKey
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .co: return a.contains(b)
        case .sw: return a.hasPrefix(b)
        case .ew: return a.hasSuffix(b)
        case .gt, .ge, .lt, .le: return compareOrdered(a, b, op)
        }
    }

    private static func compareOrdered<T: Comparable>(_ a: T, _ b: T, _ op: ComparisonOperator) -> Bool {
        switch op {
        case .eq: a == b
        case .ne: a != b
        case .gt: a > b
        case .ge: a >= b
        case .lt: a < b
        case .le: a <= b
        case .co, .sw, .ew: false
        }
    }
}
