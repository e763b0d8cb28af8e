import CFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// One POSIX thread with its own heap-allocated `FCGX_Request`, which libfcgi points into and
/// which therefore never moves.
final class WorkerThread: @unchecked Sendable {
    private let socket: Int32
    private let handler: any FastCGIHandler
    private var thread = pthread_t()

    init(socket: Int32, handler: any FastCGIHandler) {
        self.socket = socket
        self.handler = handler
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
        while FCGX_Accept_r(raw) >= 0 {
            let response = handler.respond(to: FastCGIRequest(raw: raw))
            write(response, to: raw)
            FCGX_Finish_r(raw)
        }
        FCGX_Free(raw, 1)
    }

    private func write(_ response: FastCGIResponse, to raw: UnsafeMutablePointer<FCGX_Request>) {
        let header = response.headerBlock()
        Self.put(header, to: raw.pointee.out)
        if let stream = response.streamBody {
            stream { Self.put($0, to: raw.pointee.out) }
        } else {
            Self.put(response.body, to: raw.pointee.out)
        }
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
