import AdminConsole
import AppTraffic
import ArgumentParser
import CrowdService
import DirectoryStore
import FastCGI
import Foundation
import Logging
import ScimService

@main
struct ResponderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scimsync-fcgi",
        abstract: "The ScimSync SCIM 2.0 service provider, as a FastCGI responder behind nginx or Apache.",
        discussion: """
            Listens on a Unix socket (--socket), on a loopback TCP port (--listen), or, with neither,
            on the socket inherited as standard input from spawn-fcgi or Apache mod_fcgid.

            Examples:
              scimsync-fcgi --socket /run/scimsync/scimsync.sock --database /var/lib/scimsync/scimsync.sqlite
              scimsync-fcgi --listen 127.0.0.1:9000 --database ./scimsync.sqlite --workers 16
              SCIMSYNC_DATABASE=/var/lib/scimsync/scimsync.sqlite scimsync-fcgi   # under mod_fcgid
            """
    )

    @Option(help: "Unix socket path to listen on.")
    var socket: String?

    @Option(help: "Permission bits of the Unix socket, in octal (the web server's user must be able to connect).")
    var socketMode: String = "0660"

    @Option(help: "Group of the Unix socket, e.g. www-data: the web server's group connects, nobody else.")
    var socketGroup: String?

    @Option(help: "Loopback address and port to listen on, e.g. 127.0.0.1:9000 (FastCGI is unauthenticated: loopback only).")
    var listen: String?

    @Option(help: "SQLite database file (default: $SCIMSYNC_DATABASE).")
    var database: String?

    @Option(
        help: "Requests run at once, each on a worker thread of its own (default: $SCIMSYNC_WORKERS or \(Self.workersPerCore) per core)."
    )
    var workers: Int?

    @Option(
        help: """
            Worker threads, each with a database connection (default: $SCIMSYNC_THREADS or \(Self.threadsPerWorker) per worker): \
            those beyond --workers take requests while others sleep until their write is committed, so \
            that more writes share each commit.
            """
    )
    var threads: Int?

    @Option(help: "Largest request body accepted, in bytes (default: $SCIMSYNC_MAX_BODY_BYTES or 1048576).")
    var maxBodyBytes: Int?

    @Option(
        help: """
            Rate limit of the apps without one of their own (scimsync app set-rate-limit), as N/M: N requests \
            per second in bursts of M (default: $SCIMSYNC_DEFAULT_RATE_LIMIT or \(RateLimit.standard.perSecond)/\(RateLimit.standard.burst)).
            """
    )
    var defaultRateLimit: String?

    func validate() throws {
        if socket != nil, listen != nil { throw ValidationError("Pass --socket or --listen, not both.") }
        if UInt32(socketMode, radix: 8) == nil { throw ValidationError("--socket-mode must be octal, such as 0660.") }
        if socketGroup != nil, socket == nil { throw ValidationError("--socket-group needs --socket.") }
        if let listen, !FastCGIListener.isLoopback(listen) { throw ValidationError(FastCGIError.unsafeAddress(listen).description) }
        if let defaultRateLimit, RateLimit(text: defaultRateLimit) == nil { throw ValidationError(Self.rateLimitProblem) }
    }

    private static let rateLimitProblem = """
        --default-rate-limit (or SCIMSYNC_DEFAULT_RATE_LIMIT) must be N/M, N requests per second from \
        \(RateLimit.perSecondRange.lowerBound) to \(RateLimit.perSecondRange.upperBound) in bursts of M from \
        \(RateLimit.burstRange.lowerBound) to \(RateLimit.burstRange.upperBound).
        """

    func run() throws {
        // Before any thread starts, so that every thread inherits the mask: a SIGTERM taken by a
        // thread that does not block it runs libfcgi's handler there, and the server never stops.
        FastCGIServer.blockStopSignals()
        // Every line on standard error is one JSON object (journald, jq), from the first.
        LoggingSystem.bootstrap(JSONLogHandler.init(label:))
        let environment = ProcessInfo.processInfo.environment
        guard let path = database ?? environment["SCIMSYNC_DATABASE"] else {
            throw ValidationError("Name the database with --database or SCIMSYNC_DATABASE.")
        }
        let workerCount = try Self.threadCount(workers, "--workers", "SCIMSYNC_WORKERS", environment) ?? Self.defaultWorkers
        let threadCount =
            try Self.threadCount(threads, "--threads", "SCIMSYNC_THREADS", environment)
            ?? min(workerCount * Self.threadsPerWorker, Self.threadRange.upperBound)
        guard threadCount >= workerCount else {
            throw ValidationError(
                "--threads (or SCIMSYNC_THREADS) must be at least --workers (or SCIMSYNC_WORKERS): \(threadCount) < \(workerCount)."
            )
        }
        // Migrate once, then give each worker thread a connection of its own.
        _ = try DirectoryStore(path: path)
        let bodyLimit = maxBodyBytes ?? environment["SCIMSYNC_MAX_BODY_BYTES"].flatMap(Int.init) ?? 1 << 20
        let permits = RunPermits(limit: workerCount)
        let rateLimitText = defaultRateLimit ?? environment["SCIMSYNC_DEFAULT_RATE_LIMIT"]
        guard let rateLimit = rateLimitText.map(RateLimit.init(text:)) ?? .standard else { throw ValidationError(Self.rateLimitProblem) }
        let listener: FastCGIListener
        if let socket {
            listener = .unixSocket(path: socket, mode: UInt32(socketMode, radix: 8)!, group: try socketGroup.map(Self.groupID))
        } else if let listen {
            listener = .tcp(address: listen)
        } else {
            listener = .inherited
        }
        // One traffic file and one metrics registry per process, shared by its worker threads; the
        // file is shared with the other processes on the same database too.
        let traffic = try TrafficFile(path: TrafficFile.path(forDatabase: path), writable: true)
        let metrics = ServiceMetrics()
        let consoleSettings = ConsoleSettings.from(environment: environment)
        let signInGate = SignInGate()
        let handlers = try (0..<threadCount).map { _ in
            let store = try DirectoryStore(path: path, migrate: false, beforeCommitWait: permits.giveBack)
            let crowd = CrowdEndpoint(store: store)
            let console = AdminConsole(store: store, traffic: traffic, settings: consoleSettings, signInGate: signInGate)
            return FastCGIAdapter(
                application: ScimApplication(
                    store: store,
                    traffic: traffic,
                    metrics: metrics,
                    defaultRateLimit: rateLimit,
                    mounts: [
                        ServiceMount(prefix: CrowdEndpoint.prefix, respond: crowd.respond),
                        ServiceMount(prefix: AdminConsole.prefix, respond: console.answer),
                    ]
                ),
                bodyLimit: bodyLimit
            )
        }
        try GroupWorkThread.start(databasePath: path)
        let server = FastCGIServer(listener: listener, handlers: handlers, permits: permits)
        do {
            try server.run {
                ServiceLog.note(
                    "ready on \(socket ?? listen ?? "inherited socket") with \(workerCount) workers on \(threadCount) threads, database \(path)"
                )
            }
            traffic.sync()
            ServiceLog.note("stopped")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private static let threadRange = 1...512
    /// Two requests running per core: on two cores, 4 workers served GET /Users/{id} at a tenth
    /// less CPU per request than 8, filters and creates 8–15 % faster (docs/BENCHMARKS.md), while
    /// one slow request still leaves others running.
    private static let workersPerCore = 2
    /// Threads beyond the workers take requests while writes sleep until their commit: the more
    /// writes wait together, the more share a commit. Eight per worker let 32 connections' creates
    /// all wait at once on two cores: 1.03 of SQLite's one-insert-a-commit rate instead of 0.90,
    /// 170 µs of CPU a create instead of 197, reads unchanged (docs/BENCHMARKS.md).
    private static let threadsPerWorker = 8

    private static var defaultWorkers: Int {
        min(max(ProcessInfo.processInfo.activeProcessorCount, 1) * workersPerCore, threadRange.upperBound)
    }

    /// A count of threads from its flag, else its environment variable, else nil; refused, not
    /// clamped, outside ``threadRange`` (a zero would leave no worker, a million would exhaust
    /// the process).
    private static func threadCount(_ flag: Int?, _ flagName: String, _ variable: String, _ environment: [String: String]) throws -> Int? {
        guard let text = flag.map(String.init) ?? environment[variable] else { return nil }
        guard let count = Int(text), threadRange.contains(count) else {
            throw ValidationError("\(flagName) (or \(variable)) must be a whole number from 1 to \(threadRange.upperBound), not '\(text)'.")
        }
        return count
    }

    /// The id of the group named `name` (or given as a number).
    private static func groupID(_ name: String) throws -> UInt32 {
        if let group = getgrnam(name) { return group.pointee.gr_gid }
        guard let number = UInt32(name) else { throw ValidationError("--socket-group: there is no group '\(name)'.") }
        return number
    }
}
