/// What answers `/admin` and everything under it (the web console, `AdminConsole`), so that
/// ``ScimApplication`` routes to it with the same request id, log line and metrics as every
/// other answer, without depending on it.
public protocol AdminResponder: Sendable {
    func answer(_ request: ServiceRequest) -> ServiceResponse
}
