import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// At most ``limit`` worker threads run requests at once; a thread that sleeps until another
/// thread has done its work (a write waiting for its commit) lends its permit meanwhile.
///
/// So a responder can have more threads than cores without running more requests than suit
/// them: reads see `limit` threads contend for two cores, while writes, which mostly sleep, can
/// be waiting by the dozen for the one commit that makes them all durable.
public final class RunPermits: @unchecked Sendable {
    public let limit: Int
    private let permits: DispatchSemaphore
    /// Non-nil on a thread that holds one of this pool's permits.
    private var holder = pthread_key_t()

    public init(limit: Int) {
        precondition(limit > 0, "a worker needs a permit to run")
        self.limit = limit
        permits = DispatchSemaphore(value: limit)
        pthread_key_create(&holder, nil)
    }

    deinit {
        pthread_key_delete(holder)
    }

    /// Takes a permit for the calling thread unless it holds one: a worker's step before it
    /// accepts a request.
    func take() {
        guard pthread_getspecific(holder) == nil else { return }
        permits.wait()
        pthread_setspecific(holder, UnsafeRawPointer(bitPattern: 1))
    }

    /// Gives back the calling thread's permit, if it holds one: before it sleeps on another
    /// thread, and when it leaves. It takes one again before its next request.
    public func giveBack() {
        guard pthread_getspecific(holder) != nil else { return }
        pthread_setspecific(holder, nil)
        permits.signal()
    }
}
