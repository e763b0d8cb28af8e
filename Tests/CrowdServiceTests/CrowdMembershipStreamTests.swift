import DirectoryStore
import Foundation
import ScimService
import Synchronization
import TestSupport
import Testing

@testable import CrowdService

@Suite struct CrowdMembershipStreamTests {
    /// `group/membership` walked the whole directory after the client was gone: each abandoned
    /// request held a worker (and a snapshot) for the full walk. A failed write now stops it.
    @Test func theMembershipWalkStopsWhenTheClientIsGone() throws {
        let temporary = try TemporaryDirectory()
        let store = try DirectoryStore(path: temporary.path("scimsync.sqlite"))
        try store.createDirectory(name: "Corp", by: .test)
        let padding = String(repeating: "g", count: 190)
        for index in 0..<1_000 {
            _ = try store.createDirectoryGroup(name: "\(padding)\(index)", directory: "Corp", by: .test)
        }
        let created = try store.createCrowdClient(name: "jira", directories: ["Corp"], allowedAddresses: [], by: .test)
        let basic = "Basic " + Data("jira:\(created.password)".utf8).base64EncodedString()
        let request = ServiceRequest(
            method: "GET",
            path: CrowdEndpoint.prefix + "group/membership",
            headers: RequestHeaders(authorization: basic, accept: "application/xml", remoteAddress: "10.0.0.1")
        )
        let response = CrowdEndpoint(store: store).respond(to: request)
        #expect(response.status == 200)
        let stream = try #require(response.streamBody)

        let whole = Mutex<(calls: Int, bytes: Int)>((0, 0))
        stream { bytes in
            whole.withLock { $0 = ($0.calls + 1, $0.bytes + bytes.count) }
            return true
        }
        // 1,000 groups of ~240 bytes: several 64 KiB pieces and the end.
        #expect(whole.withLock { $0.calls } >= 4)

        let gone = Mutex(0)
        stream { _ in
            gone.withLock { $0 += 1 }
            return false
        }
        #expect(gone.withLock { $0 } == 1)
    }
}
