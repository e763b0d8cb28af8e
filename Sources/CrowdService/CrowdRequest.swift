import DirectoryStore
import Foundation
import SCIM
import ScimService

/// One Crowd API request, parsed: the resource path under the API's root, its parameters, the
/// client's grant and the answer's format.
struct CrowdRequest {
    let request: ServiceRequest
    let grant: CrowdGrant
    let format: CrowdFormat
    /// The path under `/crowd/rest/usermanagement/1/`, e.g. `user/group/direct`.
    let resource: String
    let parameters: [String: String]

    init(_ request: ServiceRequest, grant: CrowdGrant, format: CrowdFormat) {
        self.request = request
        self.grant = grant
        self.format = format
        resource = String(request.path.dropFirst(CrowdEndpoint.prefix.count)).split(separator: "/").joined(separator: "/")
        parameters = QueryString.parse(request.query)
    }

    var entities: CrowdEntities { CrowdEntities(format: format) }

    /// A required parameter.
    func parameter(_ name: String) throws(CrowdError) -> String {
        guard let value = parameters[name], !value.isEmpty else { throw .illegalArgument("The parameter '\(name)' is required.") }
        return value
    }

    /// `start-index` (from 0) and `max-results` (default and at most ``CrowdEndpoint/maxResults``).
    func page() throws(CrowdError) -> CrowdPage {
        let start = try number("start-index") ?? 0
        let count = try number("max-results") ?? CrowdEndpoint.maxResults
        return CrowdPage(start: start, count: min(count, CrowdEndpoint.maxResults))
    }

    private func number(_ name: String) throws(CrowdError) -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int(text), value >= 0 else { throw .illegalArgument("'\(name)' is a whole number of 0 or more, not '\(text)'.") }
        return value
    }

    /// Whether `expand` names `what` (`user`, `group`, `attributes`).
    func expands(_ what: String) -> Bool {
        (parameters["expand"] ?? "").split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == what }
    }

    func ok(_ body: [UInt8], status: Int = 200) -> ServiceResponse {
        ServiceResponse(status: status, headers: [("Content-Type", format.contentType)], body: body)
    }

    /// The request body's bytes (writes and searches only).
    func body() throws(CrowdError) -> [UInt8] {
        switch request.body {
        case .bytes(let bytes): return bytes
        case .tooLarge(let limit):
            throw CrowdError(status: 413, reason: "ILLEGAL_ARGUMENT", message: "The body is larger than \(limit) bytes (limit maxBodyBytes).")
        }
    }
}
