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
    private let handlers: [any FastCGIHandler]
    private let permits: RunPermits
    private let backlog: Int32

    /// One worker thread per handler; each handler is used by its thread only, so it may hold
    /// per-thread resources such as a database connection. At most `permits.limit` of them run
    /// a request at once (all of them by default); a handler lends its thread's permit with
    /// ``RunPermits/giveBack()`` while it sleeps on another thread.
    public init(listener: FastCGIListener, handlers: [any FastCGIHandler], permits: RunPermits? = nil, backlog: Int32 = 1024) {
        precondition(!handlers.isEmpty, "a FastCGI server needs at least one worker")
        self.listener = listener
        self.handlers = handlers
        self.permits = permits ?? RunPermits(limit: handlers.count)
        self.backlog = backlog
    }

    /// Serves until a termination signal arrives, then drains in-flight requests and returns
    /// the signal number that stopped it.
    @discardableResult
    public func run(onReady: () -> Void = {}) throws(FastCGIError) -> Int32 {
        guard FCGX_Init() == 0 else { throw .initFailed }
        var stopSignals = Self.blockStopSignals()
        signal(SIGPIPE, SIG_IGN)
        let socket = try listener.open(backlog: backlog)
        let workers = handlers.map { WorkerThread(socket: socket, handler: $0, permits: permits) }
        for worker in workers { worker.start() }
        onReady()
        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        FCGX_ShutdownPending()
        shutdown(socket, Int32(SHUT_RDWR))
        for worker in workers { worker.join() }
        if case .unixSocket(let path, _, _) = listener { unlink(path) }
        return received
    }

    /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and the threads it starts after,
    /// so that only ``run()``'s `sigwait` receives them. Call it before starting any thread: a
    /// thread started earlier would take such a signal into libfcgi's handler (installed by
    /// `FCGX_Init`), which only marks a shutdown pending, and `run()` would wait on.
    @discardableResult
    public static func blockStopSignals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        return set
    }
}
