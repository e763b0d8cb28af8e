import DirectoryStore
import SCIM

/// The answer to a plain `GET /Groups/{id}` of a group of more than ``threshold`` members: the
/// group as the request's snapshot read it, its members written 64 KiB at a time from a
/// snapshot of their own, so a 200,000-member group (30 MB of JSON) is never held whole. The bytes
/// are those the in-memory answer would have. Members changed between the two snapshots show in
/// the body but not in its `ETag`, a race of the few microseconds between them.
struct GroupMemberStream {
    static let threshold = 1_000
    static let chunkBytes = 64 << 10

    let store: DirectoryStore
    let appID: Int64
    let baseURL: String
    let responder: ResourceResponder

    /// Nil when the group's JSON does not render as expected (then it is answered in memory).
    func response(_ stored: StoredResource, _ context: RequestContext) -> ServiceResponse? {
        var writer = JSONWriter(capacity: stored.json.count + 512)
        responder.render(stored, extra: [("members", .array([]))], projection: .identity, into: &writer, context)
        guard let (head, tail) = Self.split(writer.bytes, at: stored.json.count) else { return nil }
        let (store, appID, baseURL, groupID) = (store, appID, baseURL, stored.id)
        let requestID = context.request.headers.requestID ?? "-"
        let headers: [(name: String, value: String)] = [("Content-Type", ServiceResponse.scimContentType), ("ETag", stored.meta.etag)]
        return ServiceResponse(status: 200, headers: headers) { write in
            var pending = head
            var first = true
            do {
                try store.snapshot {
                    try store.forEachScimGroupMember(appID: appID, groupID: groupID) { member in
                        var element = JSONWriter(capacity: 160)
                        element.write(ResourceResponder.reference(member, baseURL: baseURL, typed: true))
                        if !first { pending.append(UInt8(ascii: ",")) }
                        first = false
                        pending += element.bytes
                        guard pending.count >= Self.chunkBytes else { return }
                        guard write(pending) else { throw ClientGone() }
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                _ = write(pending + tail)
            } catch is ClientGone {
                ServiceLog.note("request \(requestID) GET group \(groupID): the client is gone, the members stopped")
            } catch {
                ServiceLog.error("request \(requestID) GET group \(groupID) ended early: \(error)")
            }
        }
    }

    /// The rendered group split inside its empty `"members":[]`, which comes after the stored JSON.
    private static func split(_ rendered: [UInt8], at storedLength: Int) -> (head: [UInt8], tail: [UInt8])? {
        let marker = Array(#""members":[]"#.utf8)
        var index = max(0, storedLength - 1)
        while index + marker.count <= rendered.count {
            if rendered[index..<index + marker.count].elementsEqual(marker) {
                let close = index + marker.count - 1
                return (Array(rendered[..<close]), Array(rendered[close...]))
            }
            index += 1
        }
        return nil
    }

    private struct ClientGone: Error {}
}
