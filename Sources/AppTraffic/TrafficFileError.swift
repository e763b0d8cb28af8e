import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why the traffic file cannot be used.
public enum TrafficFileError: Error, CustomStringConvertible {
    case system(String, Int32)
    case format(String)

    public var description: String {
        switch self {
        case .system(let what, let code): "\(what): \(String(cString: strerror(code)))"
        case .format(let what): what
        }
    }
}
