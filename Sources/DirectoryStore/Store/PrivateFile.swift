import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files that hold directory data or token hashes (databases, snapshots, exports), created
/// readable and writable by their owner only from their first byte: open(2) with `O_EXCL` and
/// mode 0600, whatever the umask, never a chmod after the fact. SQLite gives the journals it
/// creates beside a database (`-wal`, `-shm`, `-journal`) the mode of the database file.
public enum PrivateFile {
    /// Owner read and write, nothing for group and others.
    public static let mode: mode_t = 0o600

    /// open(2) flags that create a file, and fail if anything (a file, a symlink) is there.
    private static let newFile = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC

    /// Creates the empty file `path` with ``mode``; fails if anything exists there.
    public static func create(_ path: String) throws {
        let descriptor = try openNew(path)
        close(descriptor)
    }

    /// Creates `path` with ``mode`` unless a file is there already (another process may create
    /// it at the same moment: then that one is used).
    static func createIfMissing(_ path: String) throws {
        let descriptor = open(path, newFile, mode)
        guard descriptor >= 0 else {
            if errno == EEXIST { return }
            throw error("cannot create \(path)")
        }
        close(descriptor)
    }

    /// Writes `bytes` to a new private temporary file beside `path`, syncs it and renames it to
    /// `path`: `path` is either its old self or the whole new file, and never readable by others.
    public static func write(_ bytes: some Collection<UInt8>, atomicallyTo path: String) throws {
        let temporary = temporaryPath(beside: path)
        let descriptor = open(temporary, newFile, mode)
        guard descriptor >= 0 else { throw error("cannot write \(path)") }
        let written = Array(bytes).withUnsafeBytes { writeAll(descriptor, $0) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written, synced, rename(temporary, path) == 0 else {
            let failure = error("cannot write \(path)")
            unlink(temporary)
            throw failure
        }
    }

    /// Copies the file `source` to the new private file `destination`.
    package static func copy(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw error("cannot read \(source)") }
        defer { close(input) }
        let output = try openNew(destination)
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(input, &buffer, buffer.count)
            guard count >= 0 else { throw error("cannot read \(source)") }
            if count == 0 { return }
            guard buffer.withUnsafeBytes({ writeAll(output, UnsafeRawBufferPointer(rebasing: $0[..<count])) }) else {
                throw error("cannot write \(destination)")
            }
        }
    }

    /// Removes an SQLite file and the journals SQLite may leave beside it.
    package static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    /// A hidden name in the directory of `path`, unique to this call.
    package static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return "\(url.deletingLastPathComponent().path)/.\(url.lastPathComponent).\(UUID().uuidString).tmp"
    }

    /// write(2) until all of `buffer` is written; false on an error.
    private static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    private static func openNew(_ path: String) throws -> Int32 {
        let descriptor = open(path, newFile, mode)
        guard descriptor >= 0 else { throw error("cannot create \(path)") }
        return descriptor
    }

    package static func error(_ what: String) -> StoreError {
        .invalid("\(what): \(String(cString: strerror(errno)))")
    }
}
