import CFastCGI

#if canImport(Glibc)
import Glibc
#endif

/// Where the responder takes its connections from.
public enum FastCGIListener: Sendable, Equatable {
    /// A Unix domain socket created at `path` with the given permission bits and, if given,
    /// group (so that only the web server's group can connect).
    case unixSocket(path: String, mode: UInt32, group: UInt32? = nil)
    /// A TCP socket on a loopback address, e.g. `127.0.0.1:9000`.
    case tcp(address: String)
    /// The listening socket inherited as file descriptor 0 (spawn-fcgi, Apache mod_fcgid).
    case inherited

    /// Opens the listening socket and returns its file descriptor.
    func open(backlog: Int32) throws(FastCGIError) -> Int32 {
        switch self {
        case .inherited:
            guard FCGX_IsCGI() == 0 else { throw .notASocket }
            return 0
        case .tcp(let address):
            guard Self.isLoopback(address) else { throw .unsafeAddress(address) }
            let fd = FCGX_OpenSocket(address, backlog)
            guard fd >= 0 else { throw .cannotListen(address) }
            return fd
        case .unixSocket(let path, let mode, let group):
            unlink(path)
            // Created owner-only, then opened up to `group` and `mode`: never more open than asked.
            let umaskBefore = umask(0o177)
            let fd = FCGX_OpenSocket(path, backlog)
            umask(umaskBefore)
            guard fd >= 0 else { throw .cannotListen(path) }
            if let group, chown(path, uid_t.max, gid_t(group)) != 0 { throw .cannotSetGroup(path, group) }
            guard chmod(path, mode_t(mode)) == 0 else { throw .cannotListen(path) }
            return fd
        }
    }
}

extension FastCGIListener {
    /// Whether `address` is `HOST:PORT` with a loopback host (`127.0.0.0/8` or `localhost`) and a
    /// port from 1 to 65535. FastCGI has no authentication: whoever reaches the port can forge
    /// any parameter (`REMOTE_ADDR`, `HTTPS`, headers), so it must never face a network.
    public static func isLoopback(_ address: String) -> Bool {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65535).contains(port)
        else { return false }
        let host = String(address[..<colon])
        if host == "localhost" { return true }
        var ipv4 = in_addr()
        guard inet_pton(AF_INET, host, &ipv4) == 1 else { return false }
        return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
    }
}

/// Why the responder could not start listening.
public enum FastCGIError: Error, CustomStringConvertible, Equatable {
    case notASocket
    case unsafeAddress(String)
    case cannotListen(String)
    case cannotSetGroup(String, UInt32)
    case initFailed

    public var description: String {
        switch self {
        case .notASocket:
            "standard input is not a listening socket: pass --socket PATH or --listen 127.0.0.1:PORT, or start under spawn-fcgi or mod_fcgid"
        case .unsafeAddress(let address):
            "refusing to listen on \(address): a FastCGI port is unauthenticated, so --listen takes a loopback address and port only (such as 127.0.0.1:9000); use --socket otherwise"
        case .cannotListen(let where_):
            "cannot listen on \(where_)"
        case .cannotSetGroup(let path, let group):
            "cannot give the socket \(path) to group \(group): the responder's user must be a member of it"
        case .initFailed:
            "FCGX_Init failed"
        }
    }
}
