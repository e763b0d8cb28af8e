import CFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// One POSIX thread with its own heap-allocated `FCGX_Request`, which libfcgi points into and
/// which therefore never moves.
final class WorkerThread: @unchecked Sendable {
    private let socket: Int32
    private let handler: any FastCGIHandler
    private let permits: RunPermits
    private var thread = pthread_t()

    init(socket: Int32, handler: any FastCGIHandler, permits: RunPermits) {
        self.socket = socket
        self.handler = handler
        self.permits = permits
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 4 << 20)
        pthread_create(
            &thread,
            &attributes,
            { context in
                let worker = Unmanaged<WorkerThread>.fromOpaque(context!).takeRetainedValue()
                worker.serve()
                return nil
            },
            context
        )
        pthread_attr_destroy(&attributes)
    }

    func join() {
        pthread_join(thread, nil)
    }

    private func serve() {
        let raw = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        defer { raw.deallocate() }
        FCGX_InitRequest(raw, socket, 0)
        // Leaving, a worker gives its permit to one that waits for it, which then finds the
        // socket shut down too and leaves in turn.
        defer { permits.giveBack() }
        while true {
            permits.take()
            guard FCGX_Accept_r(raw) >= 0 else { break }
            let response = handler.respond(to: FastCGIRequest(raw: raw))
            write(response, to: raw)
            // libfcgi closes a connection by shutting it down and polling until the web server
            // closes its end (three system calls and a wait for the web server, every request),
            // so that input left unread cannot reset the connection under the answer. With the
            // input read to its end there is none: the connection closes at once.
            if Self.readToEnd(raw.pointee.in) { FCGX_Detach(raw) }
            FCGX_Finish_r(raw)
        }
        FCGX_Free(raw, 1)
    }

    private func write(_ response: FastCGIResponse, to raw: UnsafeMutablePointer<FCGX_Request>) {
        let header = response.headerBlock()
        if response.streamBody == nil, StdoutRecords.suit(head: header.count, body: response.body.count) {
            StdoutRecords.send(header, response.body, requestID: Int(raw.pointee.requestId), to: raw.pointee.ipcFd)
            return
        }
        Self.put(header, to: raw.pointee.out)
        if let stream = response.streamBody {
            stream { Self.put($0, to: raw.pointee.out) }
        } else {
            Self.put(response.body, to: raw.pointee.out)
        }
    }

    /// Reads what is left of the request's input (for a GET, the empty record that ends it,
    /// already in libfcgi's buffer), up to `limit` bytes; whether its end was reached.
    private static func readToEnd(_ stream: UnsafeMutablePointer<FCGX_Stream>?, limit: Int = 64 * 1024) -> Bool {
        // On the stack: a GET reads nothing into it, and this runs for every request.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 4096) { buffer in
            var read = 0
            while read <= limit {
                let count = FCGX_GetStr(buffer.baseAddress, Int32(buffer.count), stream)
                if count <= 0 { break }
                read += Int(count)
            }
        }
        return FCGX_HasSeenEOF(stream) == EOF
    }

    /// Whether the bytes were written (false once the web server closed the connection).
    @discardableResult
    private static func put(_ bytes: [UInt8], to stream: UnsafeMutablePointer<FCGX_Stream>?) -> Bool {
        guard !bytes.isEmpty else { return true }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                FCGX_PutStr($0, Int32(buffer.count), stream) == Int32(buffer.count)
            }
        }
    }
}
