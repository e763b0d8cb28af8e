/// The seam between the libfcgi loop and an application: request in, response out.
///
/// Called concurrently from every worker thread, so implementations must be thread-safe.
public protocol FastCGIHandler: Sendable {
    func respond(to request: borrowing FastCGIRequest) -> FastCGIResponse
}
