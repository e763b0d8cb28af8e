/// One reason a rules document is refused, named by the JSON Pointer of the value at fault
/// (`/groupSync/mappings/0/idpGroup`), so an admin can find it.
public struct RuleProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path.isEmpty ? "/" : path): \(message)" }
}

/// Every problem found in a rules document; nothing of it is applied.
public struct RuleProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [RuleProblem]

    public init(_ problems: [RuleProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
