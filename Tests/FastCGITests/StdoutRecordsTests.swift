import Testing

@testable import FastCGI

#if canImport(Glibc)
import Glibc
#endif

@Suite struct StdoutRecordsTests {
    /// Reads FastCGI records from `bytes` into their types, request ids and joined content.
    private func records(_ bytes: [UInt8]) -> (types: Set<UInt8>, ids: Set<Int>, lengths: [Int], content: [UInt8]) {
        var types = Set<UInt8>()
        var ids = Set<Int>()
        var lengths: [Int] = []
        var content: [UInt8] = []
        var at = 0
        while at + 8 <= bytes.count {
            let length = Int(bytes[at + 4]) << 8 | Int(bytes[at + 5])
            types.insert(bytes[at + 1])
            ids.insert(Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]))
            lengths.append(length)
            content += bytes[(at + 8)..<(at + 8 + length)]
            at += 8 + length + Int(bytes[at + 6])
        }
        #expect(at == bytes.count, "the bytes end with a whole record")
        return (types, ids, lengths, content)
    }

    @Test(arguments: [0, 1, 8 * 1024, 65_528 - 40, 65_528, 65_529, 200_000, 3 * 65_528])
    func anAnswerArrivesWholeInRecordsOfAtMost64KB(bodyLength: Int) throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]) }
        let head = Array("Status: 200 OK\r\nContent-Length: \(bodyLength)\r\n\r\n".utf8)
        let body = (0..<bodyLength).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        // A reader meanwhile: an answer larger than the socket's buffer blocks the sender until read.
        let received = ReceivedBytes(socket: pair[1])
        let sent = StdoutRecords.send(head, body, requestID: 0x1234, to: pair[0])
        shutdown(pair[0], Int32(SHUT_WR))
        let bytes = received.wait()
        #expect(sent)
        let parsed = records(bytes)
        #expect(parsed.types == [6], "FCGI_STDOUT records only")
        #expect(parsed.ids == [0x1234])
        #expect(parsed.lengths.allSatisfy { $0 <= StdoutRecords.largestContent })
        #expect(parsed.lengths.first == head.count, "the header block in a record of its own")
        #expect(parsed.content == head + body)
    }

    @Test func aClosedConnectionIsAFailedSendNotASignal() {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        close(pair[1])
        defer { close(pair[0]) }
        #expect(!StdoutRecords.send(Array("Status: 200 OK\r\n\r\n".utf8), [UInt8](repeating: 65, count: 20_000), requestID: 1, to: pair[0]))
    }

    @Test(arguments: [0, 1, 65_527, 65_528, 65_529, 3 * 65_528, 3 * 65_528 + 1])
    func theRecordCountIsThatOfTheRecordLengths(count: Int) {
        #expect(StdoutRecords.recordCount(of: count) == StdoutRecords.contentLengths(of: count).count)
        #expect(StdoutRecords.contentLengths(of: count).reduce(0, +) == count)
    }

    @Test func onlyAnswersPastLibfcgisBufferGoOutThisWay() {
        #expect(!StdoutRecords.suit(head: 100, body: 1_000))
        #expect(StdoutRecords.suit(head: 100, body: 9_000))
        #expect(!StdoutRecords.suit(head: 100, body: StdoutRecords.largestContent * StdoutRecords.mostRecords))
    }
}

/// Everything read from a socket until its end, by a thread of its own.
private final class ReceivedBytes: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private var thread = pthread_t()
    private let socket: Int32

    init(socket: Int32) {
        self.socket = socket
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &thread,
            nil,
            { context in
                let reader = Unmanaged<ReceivedBytes>.fromOpaque(context!).takeRetainedValue()
                var buffer = [UInt8](repeating: 0, count: 16 * 1024)
                while true {
                    let count = read(reader.socket, &buffer, buffer.count)
                    if count <= 0 { break }
                    reader.bytes += buffer[0..<count]
                }
                return nil
            },
            context
        )
    }

    func wait() -> [UInt8] {
        pthread_join(thread, nil)
        close(socket)
        return bytes
    }
}
