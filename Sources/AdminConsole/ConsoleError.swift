/// A console request refused, with the status and the words an admin sees.
public struct ConsoleError: Error, Sendable, Equatable {
    public var status: Int
    public var message: String

    public static func badRequest(_ message: String) -> ConsoleError { ConsoleError(status: 400, message: message) }
    public static func forbidden(_ message: String) -> ConsoleError { ConsoleError(status: 403, message: message) }
    public static func notFound(_ message: String) -> ConsoleError { ConsoleError(status: 404, message: message) }
    public static func methodNotAllowed() -> ConsoleError { ConsoleError(status: 405, message: "This page does not take that kind of request.") }
}
