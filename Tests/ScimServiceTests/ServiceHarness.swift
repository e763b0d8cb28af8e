import AppTraffic
import DirectoryStore
import Foundation
import SCIM
import ScimService
import TestSupport

/// A `ScimApplication` on a fresh database with two apps, `okta` and `entra`, each with a token;
/// `observed`, with a traffic file (rate limits, counters) and metrics, as the responder runs it.
struct ServiceHarness {
    static let host = "scim.example.com:8443"
    static let base = "/scim/okta/v2"

    let temporary: TemporaryDirectory
    let store: DirectoryStore
    let service: ScimApplication
    let token: String
    let otherToken: String
    let traffic: TrafficFile?

    init(observed: Bool = false) throws {
        temporary = try TemporaryDirectory()
        store = try DirectoryStore(path: temporary.path("scimsync.sqlite"))
        try store.createApp(name: "okta", provider: .okta, directoryName: "Corp", createDirectory: true, by: .test)
        try store.createApp(name: "entra", provider: .entra, directoryName: "Corp", by: .test)
        token = try store.issueToken(app: "okta", by: .test).secret
        otherToken = try store.issueToken(app: "entra", by: .test).secret
        traffic = observed ? try TrafficFile(path: TrafficFile.path(forDatabase: store.path), writable: true) : nil
        service = ScimApplication(store: store, traffic: traffic, metrics: observed ? ServiceMetrics() : nil)
    }

    /// Sends a request under the okta app's base URL (or at `path` itself if it starts with `!`).
    func send(
        _ method: String,
        _ path: String,
        query: String = "",
        body: String? = nil,
        contentType: String? = "application/scim+json",
        authorization: String? = nil,
        useToken: Bool = true,
        ifMatch: String? = nil,
        ifNoneMatch: String? = nil,
        scheme: String = "https",
        host: String? = host,
        rawBody: ServiceRequest.Body? = nil
    ) -> ServiceResponse {
        let fullPath = path.hasPrefix("!") ? String(path.dropFirst()) : Self.base + path
        let headers = RequestHeaders(
            authorization: authorization ?? (useToken ? "Bearer \(token)" : nil),
            contentType: body == nil && rawBody == nil ? nil : contentType,
            host: host,
            scheme: scheme,
            ifMatch: ifMatch,
            ifNoneMatch: ifNoneMatch,
            requestID: "test"
        )
        var response = service.respond(
            to: ServiceRequest(
                method: method,
                path: fullPath,
                query: query,
                headers: headers,
                body: rawBody ?? .bytes(Array((body ?? "").utf8))
            )
        )
        // A streamed body is written as the responder writes it: after the answer, piece by piece.
        if let stream = response.streamBody {
            var pieces: [[UInt8]] = []
            stream { piece in
                pieces.append(piece)
                return true
            }
            response.body = pieces.flatMap { $0 }
            response.streamBody = nil
        }
        return response
    }

    /// Creates a user and returns its id.
    func createUser(_ members: String) throws -> String {
        let response = send("POST", "/Users", body: userJSON(members))
        guard response.status == 201, let id = try response.json()["id"]?.stringValue else {
            throw ScimError(status: response.status, detail: response.text)
        }
        return id
    }
}

func userJSON(_ members: String) -> String {
    #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],\#(members)}"#
}

func patchJSON(_ operations: String) -> String {
    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":\#(operations)}"#
}

extension ServiceResponse {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> JSONValue {
        try JSONParser.parse(body)
    }
}
