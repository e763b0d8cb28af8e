import DirectoryStore
import SCIM
import SyncRules

/// `POST /Bulk` (RFC 7644 §3.7): runs each operation as its own request through the same
/// routes, in order, substituting `bulkId:<id>` references with the ids of resources created
/// earlier in the request, and stopping after `failOnErrors` errors.
///
/// Up to ``operationsPerCommit`` operations in a row share one transaction, each in a savepoint
/// of its own (one that fails is undone alone), so a thousand operations cost four syncs to disk,
/// not a thousand. The answer goes out after the last commit; an operation whose commit failed
/// is answered as failed. User creates that mention no `bulkId:` are prepared before their
/// transaction (``PreparedUser``): what needs no database runs before the write lock is taken.
struct BulkEndpoint {
    /// How many operations share a commit: enough to spread its cost (250 made 10 % more creates
    /// a second than 100), few enough that one transaction holds the write lock for tens of
    /// milliseconds, not seconds.
    static let operationsPerCommit = 250

    let store: DirectoryStore
    let dispatch: ([String], RequestContext) throws -> ServiceResponse

    func handle(_ context: RequestContext) throws -> ServiceResponse {
        if case .bytes(let body) = context.request.body, body.count > ScimLimit.bulkPayload.value {
            throw ScimLimit.bulkPayload.exceeded("The bulk request is \(body.count) bytes", status: 413, scimType: nil)
        }
        let request = try BulkRequest.parse(try context.jsonBody(), maxOperations: ScimLimit.bulkOperations.value)
        var progress = BulkProgress()
        var pending = request.operations[...]
        while !pending.isEmpty, !progress.stopped(by: request.failOnErrors) {
            let chunk = pending.prefix(Self.operationsPerCommit)
            pending = pending.dropFirst(chunk.count)
            let before = progress
            // The write lock is held while the chunk runs, so what needs no database is done first:
            // another request's transaction runs meanwhile.
            let preparedUsers = chunk.map { Self.preparedUser($0, context) }
            do {
                try store.grouped {
                    for (operation, preparedUser) in zip(chunk, preparedUsers) {
                        if progress.stopped(by: request.failOnErrors) { break }
                        let (result, createdID) = run(operation, preparedUser, resolved: progress.resolved, context)
                        progress.add(result, bulkId: operation.bulkId, createdID: createdID)
                    }
                }
            } catch {
                progress.uncommitted(since: before, ScimError(answering: error) ?? .internalError())
            }
        }
        let results = progress.results
        return .json(
            200,
            .object(
                JSONObject([
                    ("schemas", .array([.string(ScimSchemaURN.bulkResponse)])),
                    ("Operations", .array(results)),
                ])
            )
        )
    }

    /// A user create that mentions no `bulkId:`, prepared as its `POST /Users` would prepare it
    /// (its failure is answered when the operation's turn comes); nil for any other operation.
    private static func preparedUser(_ operation: BulkOperation, _ context: RequestContext) -> Result<PreparedUser, ScimError>? {
        guard operation.method == "POST", operation.path == "Users", let data = operation.data,
            !BulkReferences.mentionsReference(data)
        else { return nil }
        return Result { () throws(ScimError) in try UsersEndpoint.prepare(data, context) }
    }

    /// Runs one operation; returns its response entry and, for a create, the new id.
    private func run(
        _ operation: BulkOperation,
        _ preparedUser: Result<PreparedUser, ScimError>?,
        resolved: [String: String],
        _ context: RequestContext
    ) -> (JSONValue, String?) {
        var entry = JSONObject([("method", .string(operation.method))])
        if let bulkId = operation.bulkId { entry["bulkId"] = .string(bulkId) }
        do {
            let path = try BulkReferences.substitute(in: operation.path, resolved)
            let data = try operation.data.map { try BulkReferences.substitute(in: $0, resolved) }
            let segments = path.split(separator: "?", maxSplits: 1)
            let rest = segments.first.map { $0.split(separator: "/").map(String.init) } ?? []
            guard let first = rest.first, first == "Users" || first == "Groups" else {
                throw ScimError.invalidValue("Bulk operations apply to /Users and /Groups only, not '\(path)'.")
            }
            var headers = context.request.headers
            headers.contentType = ServiceResponse.scimContentType
            headers.ifMatch = operation.version
            let subrequest = ServiceRequest(
                method: operation.method,
                path: String(context.request.path.dropLast("Bulk".count)) + path,
                query: segments.count > 1 ? String(segments[1]) : "",
                headers: headers,
                body: .bytes([])
            )
            let operationContext = RequestContext(
                request: subrequest,
                app: context.app,
                baseURL: context.baseURL,
                parsedBody: data,
                answersWithBody: false,
                preparedUser: preparedUser
            )
            let response = try dispatch(rest, operationContext)
            entry["status"] = .string(String(response.status))
            if let etag = response.headers.first(where: { $0.name == "ETag" })?.value { entry["version"] = .string(etag) }
            guard response.status < 400 else {
                entry["response"] = response.body.isEmpty ? nil : try? JSONParser.parse(response.body, limits: .stored)
                return (.object(entry), nil)
            }
            // The resource's id from the answer's Location (a create) or the path, not by parsing
            // the rendered resource back: the operations of a bulk request run in one transaction.
            let location = response.headers.first { $0.name == "Location" }?.value
            let created = location.map(Self.lastSegment)
            if let location {
                entry["location"] = .string(location)
            } else if rest.count > 1 {
                entry["location"] = .string(context.location("/\(first)", rest[1]))
            }
            return (.object(entry), operation.method == "POST" && response.status == 201 ? created : nil)
        } catch {
            let answer = ScimError(answering: error) ?? .internalError()
            entry["status"] = .string(String(answer.status))
            entry["response"] = answer.body
        }
        return (.object(entry), nil)
    }

    /// What follows the last `/` of a Location: the created resource's id. On bytes, because
    /// splitting the whole URL into `Character`s cost as much as a tenth of a create.
    static func lastSegment(of location: String) -> String {
        guard let slash = location.utf8.lastIndex(of: UInt8(ascii: "/")) else { return location }
        return String(location[location.utf8.index(after: slash)...])
    }
}

/// What a bulk request's operations have answered so far.
private struct BulkProgress {
    var results: [JSONValue] = []
    var resolved: [String: String] = [:]
    var errors = 0

    func stopped(by failOnErrors: Int?) -> Bool {
        failOnErrors.map { errors >= $0 } ?? false
    }

    mutating func add(_ result: JSONValue, bulkId: String?, createdID: String?) {
        if let bulkId, let createdID { resolved[bulkId] = createdID }
        if Self.failed(result) { errors += 1 }
        results.append(result)
    }

    /// The commit of the operations answered since `before` failed: none of them is on disk, so
    /// each that succeeded is answered with `error`, and what they created is unknown to the rest.
    mutating func uncommitted(since before: BulkProgress, _ error: ScimError) {
        for index in before.results.count..<results.count where !Self.failed(results[index]) {
            guard case .object(var entry) = results[index] else { continue }
            entry["status"] = .string(String(error.status))
            entry["response"] = error.body
            entry["location"] = nil
            entry["version"] = nil
            results[index] = .object(entry)
            errors += 1
        }
        resolved = before.resolved
    }

    private static func failed(_ result: JSONValue) -> Bool {
        (result["status"]?.stringValue).flatMap(Int.init).map { $0 >= 400 } ?? true
    }
}
