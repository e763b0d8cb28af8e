import CFastCGI
#if canImport(Glibc)
import Glibc
#endif

/// A pool of worker threads, each running libfcgi's thread-safe accept loop.
///
/// Blocking calls (`FCGX_Accept_r`, SQLite) run on real threads, never on Swift's cooperative
/// pool. SIGTERM, SIGINT and SIGHUP are blocked in every thread and awaited by ``run()``: on one,
/// the listening socket is shut down so that idle workers leave `accept`, busy workers finish
/// their request, and `run()` returns.
public final class FastCGIServer: Sendable {
    private let listener: FastCGIListener
    private let workerCount: Int
    private let handler: any FastCGIHandler
    private let backlog: Int32

    public init(listener: FastCGIListener, workers: Int, backlog: Int32 = 1024, handler: any FastCGIHandler) {
        self.listener = listener
        self.workerCount = max(1, workers)
        self.backlog = backlog
        self.handler = handler
    }

    /// Serves until a termination signal arrives, then drains in-flight requests and returns
    /// the signal number that stopped it.
    @discardableResult
    public func run(onReady: () -> Void = {}) throws(FastCGIError) -> Int32 {
        guard FCGX_Init() == 0 else { throw .initFailed }
        var stopSignals = Self.blockStopSignals()
        signal(SIGPIPE, SIG_IGN)
        let socket = try listener.open(backlog: backlog)
        let workers = (0..<workerCount).map { _ in
            WorkerThread(socket: socket, handler: handler)
        }
        workers.forEach { $0.start() }
        onReady()
        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        FCGX_ShutdownPending()
        shutdown(socket, Int32(SHUT_RDWR))
        workers.forEach { $0.join() }
        if case .unixSocket(let path, _) = listener { unlink(path) }
        return received
    }

    private static func blockStopSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        return set
    }
}
