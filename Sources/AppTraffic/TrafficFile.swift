import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Each app's traffic, in one file beside the database that every responder process maps
/// (`MAP_SHARED`): the arrival time of its rate limit's token bucket, its counters since the file
/// was made and per hour for the last ``hoursKept`` hours, and its last contact.
///
/// A request's bucket and counters change by atomic operations on the mapped words (a
/// compare-and-swap of the bucket's one number, atomic additions to the counters), so several
/// processes under mod_fcgid share one bucket and no request waits for another or makes a system
/// call. Only what changes the file's layout, an app taking a slot or an hour's counters starting
/// from zero, takes an exclusive `flock(2)` on the file (after this process's own mutex, since
/// threads share one open file). (Taking that lock for every request made the threads of a
/// process queue on it: more than half of a GET's time.) The counters are durable without a
/// SQLite write per request: they live in the page cache, which the kernel writes back to the
/// file within its dirty-page expiry (30 s by default), and ``sync()`` (at shutdown) writes them
/// at once; a responder that crashes loses nothing, an operating system that crashes loses at
/// most the last writeback interval.
///
/// The file holds ``slotCount`` apps (an app keeps its slot while its id and name are unchanged);
/// beyond that an app is neither limited nor counted.
public final class TrafficFile: @unchecked Sendable {
    // @unchecked: the mapping is only read and written under `lock` and the file lock.

    public static let slotCount = 1024
    public static let hoursKept = 168

    private static let magic: Int64 = 0x5343_494D_5452_4631  // "SCIMTRF1"
    private static let headerWords = 8
    private static let slotHeaderWords = 8
    private static let bucketWords = 4
    private static let slotWords = slotHeaderWords + hoursKept * bucketWords
    private static let fileBytes = (headerWords + slotCount * slotWords) * MemoryLayout<Int64>.size

    public let path: String
    private let descriptor: Int32
    private let words: UnsafeMutablePointer<Int64>
    private let writable: Bool
    private let lock = Mutex(())

    /// The file beside the database at `databasePath`.
    public static func path(forDatabase databasePath: String) -> String {
        databasePath + "-traffic"
    }

    /// Opens the traffic file at `path`; `writable` creates it (mode 0600) if missing. Opened
    /// read-only, a missing file is an error the caller may take as "no traffic yet".
    public init(path: String, writable: Bool) throws {
        self.path = path
        self.writable = writable
        let flags = (writable ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else { throw TrafficFileError.system("cannot open \(path)", errno) }
        self.descriptor = descriptor
        do {
            if writable { try Self.prepare(descriptor, path: path) }
            var status = stat()
            guard fstat(descriptor, &status) == 0, Int(status.st_size) == Self.fileBytes else {
                throw TrafficFileError.format("\(path) is not a traffic file of this version (remove it: only counters are lost)")
            }
            let protection = writable ? PROT_READ | PROT_WRITE : PROT_READ
            guard let mapping = mmap(nil, Self.fileBytes, protection, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
                throw TrafficFileError.system("cannot map \(path)", errno)
            }
            words = mapping.bindMemory(to: Int64.self, capacity: Self.fileBytes / MemoryLayout<Int64>.size)
            guard words[0] == Self.magic else {
                munmap(mapping, Self.fileBytes)
                throw TrafficFileError.format("\(path) is not a traffic file of this version (remove it: only counters are lost)")
            }
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        munmap(UnsafeMutableRawPointer(words), Self.fileBytes)
        close(descriptor)
    }

    /// A new (empty) file gets its size and header, under the file lock so that two processes
    /// starting at once make it once.
    private static func prepare(_ descriptor: Int32, path: String) throws {
        flock(descriptor, LOCK_EX)
        defer { flock(descriptor, LOCK_UN) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw TrafficFileError.system("cannot read \(path)", errno) }
        guard status.st_size == 0 else { return }
        guard ftruncate(descriptor, off_t(fileBytes)) == 0 else { throw TrafficFileError.system("cannot size \(path)", errno) }
        var header = [Int64](repeating: 0, count: headerWords)
        header[0] = magic
        header[1] = Int64(slotCount)
        header[2] = Int64(hoursKept)
        header[3] = Self.nowNanoseconds() / 1_000_000
        let written = header.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard written == headerWords * MemoryLayout<Int64>.size else { throw TrafficFileError.system("cannot write \(path)", errno) }
    }

    /// When the file was made, in milliseconds since 1970: the counters count from then.
    public var createdMilliseconds: Int64 { words[3] }

    /// Takes one token of `app`'s bucket at `now` (nanoseconds since 1970), or says when to retry.
    public func admit(_ app: TrafficKey, limit: RateLimit, now: Int64 = TrafficFile.nowNanoseconds()) -> TokenBucket.Decision {
        guard let slot = slot(for: app) else { return .allowed }
        let tat = Self.atomic(slot + 2)
        var stored = tat.pointee.load(ordering: .relaxed)
        while true {
            let (decision, next) = TokenBucket.admit(tat: stored, now: now, limit: limit)
            if next == stored { return decision }
            let (exchanged, original) = tat.pointee.compareExchange(expected: stored, desired: next, ordering: .relaxed)
            if exchanged { return decision }
            stored = original
        }
    }

    /// Counts one answer of `app` at `now` (nanoseconds since 1970).
    public func record(_ app: TrafficKey, _ outcome: TrafficOutcome, now: Int64 = TrafficFile.nowNanoseconds()) {
        guard let slot = slot(for: app) else { return }
        let hour = now / 3_600_000_000_000
        let bucket = slot + Self.slotHeaderWords + Int(hour % Int64(Self.hoursKept)) * Self.bucketWords
        if Self.atomic(bucket).pointee.load(ordering: .acquiring) != hour { startHour(hour, bucket) }
        // Wrapping: a damaged file can hold any number, and must not stop the responder.
        Self.add(slot + 3)
        Self.add(bucket + 1)
        switch outcome {
        case .success: break
        case .error:
            Self.add(slot + 4)
            Self.add(bucket + 2)
        case .rateLimited:
            Self.add(slot + 5)
            Self.add(bucket + 3)
        }
        let lastContact = Self.atomic(slot + 6)
        var seen = lastContact.pointee.load(ordering: .relaxed)
        while seen < now / 1_000_000 {
            let (exchanged, original) = lastContact.pointee.compareExchange(expected: seen, desired: now / 1_000_000, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    /// An hour's counters start from zero, once: under the file lock, and its hour is written
    /// last, so every other writer counts into the cleared bucket.
    private func startHour(_ hour: Int64, _ bucket: UnsafeMutablePointer<Int64>) {
        exclusively {
            guard Self.atomic(bucket).pointee.load(ordering: .acquiring) != hour else { return }
            for word in 1..<Self.bucketWords { Self.atomic(bucket + word).pointee.store(0, ordering: .relaxed) }
            Self.atomic(bucket).pointee.store(hour, ordering: .releasing)
        }
    }

    /// The mapped word at `pointer`, for atomic access (the file's words are aligned `Int64`s).
    private static func atomic(_ pointer: UnsafeMutablePointer<Int64>) -> UnsafeMutablePointer<Atomic<Int64>> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Atomic<Int64>.self)
    }

    private static func add(_ pointer: UnsafeMutablePointer<Int64>) {
        atomic(pointer).pointee.wrappingAdd(1, ordering: .relaxed)
    }

    /// Each app's counts, by app id: since the file was made, or (with `sinceHour`, hours since
    /// 1970) in the hours from `sinceHour` on that the file still keeps.
    public func counts(sinceHour: Int64? = nil) -> [Int64: (name: UInt64, counts: AppTrafficCounts)] {
        lock.withLock { _ in
            flock(descriptor, LOCK_SH)
            defer { flock(descriptor, LOCK_UN) }
            var result: [Int64: (name: UInt64, counts: AppTrafficCounts)] = [:]
            for index in 0..<Self.slotCount {
                let slot = slotPointer(index)
                guard slot[0] != 0 else { continue }
                var counts = AppTrafficCounts(lastContactMilliseconds: slot[6] == 0 ? nil : slot[6])
                if let sinceHour {
                    for hour in 0..<Self.hoursKept {
                        let bucket = slot + Self.slotHeaderWords + hour * Self.bucketWords
                        guard bucket[0] >= sinceHour else { continue }
                        counts.requests &+= bucket[1]
                        counts.errors &+= bucket[2]
                        counts.rateLimited &+= bucket[3]
                    }
                } else {
                    counts.requests = slot[3]
                    counts.errors = slot[4]
                    counts.rateLimited = slot[5]
                }
                result[slot[0]] = (UInt64(bitPattern: slot[1]), counts)
            }
            return result
        }
    }

    /// Writes the counters to the file now (the kernel would within its writeback interval).
    public func sync() {
        guard writable else { return }
        msync(UnsafeMutableRawPointer(words), Self.fileBytes, MS_SYNC)
    }

    /// Wall-clock nanoseconds since 1970.
    public static func nowNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    private func exclusively<T>(_ body: () -> T) -> T {
        lock.withLock { _ in
            flock(descriptor, LOCK_EX)
            defer { flock(descriptor, LOCK_UN) }
            return body()
        }
    }

    private func slotPointer(_ index: Int) -> UnsafeMutablePointer<Int64> {
        words + Self.headerWords + index * Self.slotWords
    }

    /// The slot of `app`: found without a lock when it holds the app already, else taken under
    /// the file lock. Nil when the file is full or read-only.
    private func slot(for app: TrafficKey) -> UnsafeMutablePointer<Int64>? {
        guard writable else { return nil }
        let start = Int(UInt64(bitPattern: app.id) % UInt64(Self.slotCount))
        for probe in 0..<Self.slotCount {
            let slot = slotPointer((start + probe) % Self.slotCount)
            let id = Self.atomic(slot).pointee.load(ordering: .acquiring)
            if id == app.id, UInt64(bitPattern: Self.atomic(slot + 1).pointee.load(ordering: .relaxed)) == app.nameHash {
                return slot
            }
            if id == app.id || id == 0 { break }
        }
        return exclusively { claimSlot(for: app) }
    }

    /// The slot of `app` (open addressing by id), under the file lock; an app whose id was reused
    /// under another name starts again from zero. The id is written last, so a reader without
    /// the lock never takes a slot whose name is not yet there.
    private func claimSlot(for app: TrafficKey) -> UnsafeMutablePointer<Int64>? {
        let start = Int(UInt64(bitPattern: app.id) % UInt64(Self.slotCount))
        for probe in 0..<Self.slotCount {
            let slot = slotPointer((start + probe) % Self.slotCount)
            if slot[0] == app.id {
                if UInt64(bitPattern: slot[1]) != app.nameHash {
                    Self.atomic(slot).pointee.store(0, ordering: .releasing)
                    (slot + 1).update(repeating: 0, count: Self.slotWords - 1)
                    Self.atomic(slot + 1).pointee.store(Int64(bitPattern: app.nameHash), ordering: .relaxed)
                    Self.atomic(slot).pointee.store(app.id, ordering: .releasing)
                }
                return slot
            }
            if slot[0] == 0 {
                Self.atomic(slot + 1).pointee.store(Int64(bitPattern: app.nameHash), ordering: .relaxed)
                Self.atomic(slot).pointee.store(app.id, ordering: .releasing)
                return slot
            }
        }
        return nil
    }
}
