import Foundation
import Logging
import SCIM
import ScimService
import Testing

@Suite struct JSONLogHandlerTests {
    private func parsed(_ line: [UInt8]) throws -> JSONObject {
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        return try #require(try JSONParser.parse(Array(line.dropLast())).objectValue)
    }

    @Test func aLineIsOneJSONObjectWithTimeLevelMessageThenTheMetadataByKey() throws {
        let line = JSONLogHandler.line(
            time: Date(timeIntervalSince1970: 1_764_590_400.25),
            level: .info,
            message: "request",
            metadata: ["status": .stringConvertible(201), "path": .string("/scim/okta/v2/Users"), "duration_ms": .stringConvertible(1.5)]
        )
        let object = try parsed(line)
        #expect(object.keys == ["time", "level", "message", "duration_ms", "path", "status"])
        #expect(object["time"] == .string("2025-12-01T12:00:00.250Z"))
        #expect(object["level"] == .string("info"))
        #expect(object["status"] == .number("201"))
        #expect(object["duration_ms"] == .number("1.5"))
    }

    @Test func controlCharactersAndQuotesInValuesStayInsideTheirString() throws {
        let hostile = "a\"b\n{\"level\":\"critical\"}\u{1B}[2J"
        let object = try parsed(JSONLogHandler.line(time: Date(), level: .error, message: hostile, metadata: ["path": .string(hostile)]))
        #expect(object["message"] == .string(hostile))
        #expect(object["path"] == .string(hostile))
        #expect(object["level"] == .string("error"))
    }

    @Test func aLoggerWritesThroughIt() throws {
        let lines = LinesBox()
        let logger = Logger(label: "test") { label in JSONLogHandler(label: label) { lines.append($0) } }
        logger.info("request", metadata: ["request_id": "r-1"])
        logger.debug("not at info level")
        let written = lines.all
        #expect(written.count == 1)
        #expect(try parsed(written[0])["request_id"] == .string("r-1"))
    }
}

/// Lines a handler wrote, from any thread.
final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [[UInt8]] = []

    func append(_ line: [UInt8]) {
        lock.withLock { lines.append(line) }
    }

    var all: [[UInt8]] { lock.withLock { lines } }
}
