import Foundation
import Logging
import SCIM
import Testing

@testable import ScimService

@Suite struct RequestLogLineTests {
    private let time = Date(timeIntervalSince1970: 1_764_590_400.25)

    private func line(path: String = "/scim/okta/v2/Users/1", attribution: RequestAttribution?) -> RequestLogLine {
        RequestLogLine(
            requestID: "r-1",
            method: "GET",
            path: path,
            status: 200,
            duration: .microseconds(1_500),
            databaseSeconds: 0.000_25,
            attribution: attribution
        )
    }

    /// What the handler would write for the same fields: operators' `jq` filters see one format.
    private func handlerLine(path: String, app: String?, authenticated: Bool) -> [UInt8] {
        var metadata: Logger.Metadata = [
            "request_id": .string("r-1"), "method": .string("GET"), "path": .string(path),
            "status": .stringConvertible(200), "duration_ms": .stringConvertible(1.5), "db_ms": .stringConvertible(0.25),
        ]
        if let app { metadata["app"] = .string(app) }
        if !authenticated { metadata["authenticated"] = .stringConvertible(false) }
        return JSONLogHandler.line(time: time, level: .info, message: "request", metadata: metadata)
    }

    @Test func isTheLineTheLogHandlerWritesForTheSameFields() {
        let app = RequestAttribution(id: 1, name: "okta", authenticated: true)
        #expect(line(attribution: app).bytes(at: time) == handlerLine(path: "/scim/okta/v2/Users/1", app: "okta", authenticated: true))
        let refused = RequestAttribution(id: 1, name: "okta", authenticated: false)
        #expect(line(attribution: refused).bytes(at: time) == handlerLine(path: "/scim/okta/v2/Users/1", app: "okta", authenticated: false))
        #expect(line(attribution: nil).bytes(at: time) == handlerLine(path: "/scim/okta/v2/Users/1", app: nil, authenticated: true))
    }

    @Test func aHostileLongPathStaysOneCappedJSONString() throws {
        let hostile = "/scim/\"\n{\u{1B}" + String(repeating: "é", count: 2_000)
        let bytes = line(path: hostile, attribution: nil).bytes(at: time)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(!bytes.dropLast().contains(UInt8(ascii: "\n")))
        let object = try #require(try JSONParser.parse(Array(bytes.dropLast())).objectValue)
        let path = try #require(object["path"]?.stringValue)
        #expect(path.utf8.count <= 1_024)
        #expect(hostile.hasPrefix(path.prefix(8)))
    }
}
