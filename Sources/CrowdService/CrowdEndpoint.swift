import DirectoryStore
import Foundation
import SCIM
import ScimService

/// Atlassian Crowd's REST API for applications (`/crowd/rest/usermanagement/1/...`), read-only
/// over the directory view: HTTP Basic with a client's name and password, from an address the
/// client is allowed, answering JSON or XML in Crowd's entities.
public final class CrowdEndpoint: Sendable {
    /// Where the API is served.
    public static let prefix = "/crowd/rest/usermanagement/1/"
    /// The most entities one list answers (`max-results` above it is lowered to it).
    public static let maxResults = 100_000

    let store: DirectoryStore

    public init(store: DirectoryStore) {
        self.store = store
    }

    /// Answers a request whose path starts with ``prefix``.
    public func respond(to request: ServiceRequest) -> ServiceResponse {
        let format = CrowdFormat.answering(accept: request.headers.accept)
        do {
            let grant = try authenticate(request)
            let context = CrowdRequest(request, grant: grant, format: format)
            return try store.snapshot { try route(context) }
        } catch let error as CrowdError {
            return Self.answer(error, format)
        } catch let refusal as CrowdRefusal {
            return refusal.response
        } catch let error as ScimError {
            // A limit of the store's queries (the query deadline).
            return Self.answer(.illegalArgument(error.detail), format)
        } catch let error as StoreError {
            return Self.answer(.illegalArgument(error.description), format)
        } catch  where DirectoryStore.isBusy(error) {
            return Self.answer(CrowdError(status: 503, reason: "OPERATION_FAILED", message: "The database is busy; retry the request."), format)
        } catch {
            ServiceLog.error("crowd request \(request.headers.requestID ?? "-") \(request.method): \(error)")
            return Self.answer(CrowdError(status: 500, reason: "OPERATION_FAILED", message: "Internal error; the responder's log has it."), format)
        }
    }

    static func answer(_ error: CrowdError, _ format: CrowdFormat) -> ServiceResponse {
        ServiceResponse(status: error.status, headers: [("Content-Type", format.contentType)], body: CrowdEntities(format: format).error(error))
    }

    /// `Authorization: Basic` with a client's name and password; a disabled client, or an address
    /// outside its ranges, is refused as Crowd refuses them.
    private func authenticate(_ request: ServiceRequest) throws -> CrowdGrant {
        guard let (name, password) = Self.basicCredentials(request.headers.authorization),
            let grant = try store.authenticateCrowdClient(name: name, password: password)
        else { throw CrowdRefusal.unauthenticated("Application failed to authenticate") }
        guard grant.enabled else { throw CrowdRefusal.unauthenticated("Application '\(grant.clientName)' is disabled") }
        guard grant.allows(address: request.headers.remoteAddress) else {
            throw CrowdError(
                status: 403,
                reason: "APPLICATION_ACCESS_DENIED",
                message:
                    "Client with address \"\(request.headers.remoteAddress ?? "unknown")\" is forbidden from making requests to the application, \(grant.clientName)."
            )
        }
        return grant
    }

    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, let space = header.firstIndex(of: " "), header[..<space].lowercased() == "basic",
            let data = Data(base64Encoded: String(header[header.index(after: space)...]).trimmingSpaces),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// An answer outside Crowd's error entity: Crowd challenges a failed application login with a
/// plain-text 401.
struct CrowdRefusal: Error {
    var response: ServiceResponse

    static func unauthenticated(_ message: String) -> CrowdRefusal {
        CrowdRefusal(
            response: ServiceResponse(
                status: 401,
                headers: [("Content-Type", "text/plain; charset=UTF-8"), ("WWW-Authenticate", "Basic realm=\"Crowd REST Service\"")],
                body: Array(message.utf8)
            )
        )
    }
}
