import AppTraffic
import DirectoryStore
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The responder's Prometheus metrics, recorded through swift-metrics into one
/// swift-prometheus registry per process and rendered by `GET /metrics`.
///
/// Two kinds of series:
/// - **per process**, labelled `pid`: requests by app, endpoint, method and status, their
///   latency, write-lock waits and commits, token failures. Several responder processes (mod_fcgid)
///   each have their own, and a scrape reads the one process that answered it.
/// - **installation-wide**, read at each scrape from the shared traffic file and the database, the
///   same whichever process answers: each app's requests, errors, rate-limited requests and last
///   request time, each directory's and each app's size.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let pid = String(getpid())
    /// Scrapes set the installation-wide series from the file and the database, one at a time;
    /// the apps and directories the last one showed, whose series go when they do.
    private let scraped = Mutex((apps: Set<String>(), directories: Set<String>()))
    private let lockWait: Metrics.Timer
    private let commit: Metrics.Timer
    private let authFailures: Metrics.Counter

    /// Each kind of answer's counter and timer, made once: looking them up in the factory on every
    /// request (labels hashed under the registry's lock) cost more than counting. One cache per
    /// worker thread (its ``ScimApplication``), so that the threads never wait for one another's.
    final class SeriesCache: Sendable {
        fileprivate let handles = Mutex<[RequestSeries: RequestHandles]>([:])
    }

    fileprivate struct RequestSeries: Hashable {
        var app: String
        var endpoint: String
        var method: String
        var status: Int
    }

    fileprivate struct RequestHandles: @unchecked Sendable {
        // @unchecked: swift-metrics handles are thread-safe, but not marked Sendable.
        var requests: Metrics.Counter
        var duration: Metrics.Timer
    }

    /// Kinds of answers kept before the cache starts again (apps × endpoints × methods × statuses).
    private static let requestSeriesKept = 4096

    private static let appGauges = ["scimsync_app_users", "scimsync_app_groups", "scimsync_app_last_request_timestamp_seconds"]
    private static let appCounters = ["scimsync_app_requests_total", "scimsync_app_errors_total", "scimsync_app_rate_limited_total"]
    private static let directoryGauges = ["scimsync_directory_users", "scimsync_directory_groups"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
            .seconds(10),
        ]
        self.factory = factory
        lockWait = Timer(label: "scimsync_db_write_lock_wait_seconds", dimensions: [("pid", pid)], factory: factory)
        commit = Timer(label: "scimsync_db_commit_seconds", dimensions: [("pid", pid)], factory: factory)
        authFailures = Counter(label: "scimsync_auth_failures_total", dimensions: [("pid", pid)], factory: factory)
    }

    /// Known methods keep their name; anything else a client sends is `other`.
    private static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

    /// Counts one answered request.
    func record(
        app: String,
        endpoint: String,
        method: String,
        status: Int,
        duration: Duration,
        database: TransactionMeter.Reading,
        cache: SeriesCache
    ) {
        let method = Self.methods.contains(method) ? method : "other"
        let handles = handles(for: RequestSeries(app: app, endpoint: endpoint, method: method, status: status), in: cache)
        handles.requests.increment()
        handles.duration.recordNanoseconds(Self.nanoseconds(duration))
        if let wait = database.lockWait { lockWait.recordNanoseconds(Int64(wait * 1e9)) }
        if let commit = database.commit { self.commit.recordNanoseconds(Int64(commit * 1e9)) }
        if status == 401 { authFailures.increment() }
    }

    private func handles(for series: RequestSeries, in cache: SeriesCache) -> RequestHandles {
        if let known = cache.handles.withLock({ $0[series] }) { return known }
        let made = RequestHandles(
            requests: Counter(
                label: "scimsync_http_requests_total",
                dimensions: [
                    ("pid", pid), ("app", series.app), ("endpoint", series.endpoint), ("method", series.method),
                    ("status", String(series.status)),
                ],
                factory: factory
            ),
            duration: Timer(
                label: "scimsync_http_request_duration_seconds",
                dimensions: [("pid", pid), ("app", series.app), ("endpoint", series.endpoint)],
                factory: factory
            )
        )
        cache.handles.withLock { cache in
            if cache.count >= Self.requestSeriesKept { cache.removeAll(keepingCapacity: true) }
            cache[series] = made
        }
        return made
    }

    /// The Prometheus text exposition of every series, the installation-wide ones read now.
    func render(store: DirectoryStore, traffic: TrafficFile?) throws -> [UInt8] {
        let apps = try store.apps()
        let sizes = try store.sizes()
        let counts = traffic?.counts() ?? [:]
        return scraped.withLock { scraped in
            let names = (apps: Set(apps.map(\.name)), directories: Set(sizes.directories.keys))
            for gone in scraped.apps.subtracting(names.apps) {
                for label in Self.appGauges { Gauge(label: label, dimensions: [("app", gone)], factory: factory).destroy() }
                for label in Self.appCounters { Counter(label: label, dimensions: [("app", gone)], factory: factory).destroy() }
            }
            for gone in scraped.directories.subtracting(names.directories) {
                for label in Self.directoryGauges { Gauge(label: label, dimensions: [("directory", gone)], factory: factory).destroy() }
            }
            scraped = names
            for app in apps {
                let labels = [("app", app.name)]
                let size = sizes.apps[app.id] ?? DirectorySizes.Count.zero
                Gauge(label: "scimsync_app_users", dimensions: labels, factory: factory).record(size.users)
                Gauge(label: "scimsync_app_groups", dimensions: labels, factory: factory).record(size.groups)
                guard let entry = counts[app.id], entry.name == TrafficKey.hash(app.name) else { continue }
                set(counter: "scimsync_app_requests_total", labels, to: entry.counts.requests)
                set(counter: "scimsync_app_errors_total", labels, to: entry.counts.errors)
                set(counter: "scimsync_app_rate_limited_total", labels, to: entry.counts.rateLimited)
                if let last = entry.counts.lastContactMilliseconds {
                    Gauge(label: "scimsync_app_last_request_timestamp_seconds", dimensions: labels, factory: factory)
                        .record(Double(last) / 1000)
                }
            }
            for (name, size) in sizes.directories {
                Gauge(label: "scimsync_directory_users", dimensions: [("directory", name)], factory: factory).record(size.users)
                Gauge(label: "scimsync_directory_groups", dimensions: [("directory", name)], factory: factory).record(size.groups)
            }
            return registry.emitToBuffer()
        }
    }

    /// A counter shown as the total the traffic file holds.
    private func set(counter label: String, _ labels: [(String, String)], to value: Int64) {
        let counter = Counter(label: label, dimensions: labels, factory: factory)
        counter.reset()
        counter.increment(by: value)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
