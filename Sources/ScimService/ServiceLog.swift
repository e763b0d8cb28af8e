import Foundation

/// Server-side diagnostics, one line each on standard error. Never given request bodies or tokens.
enum ServiceLog {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("scimsync-fcgi: error: \(message)\n".utf8))
    }
}
