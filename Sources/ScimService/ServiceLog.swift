import Foundation

/// Diagnostics of the responder, one line each on standard error (the C `stderr` global is off
/// limits in Swift 6). Never given request bodies or tokens.
public enum ServiceLog {
    public static func note(_ message: String) {
        FileHandle.standardError.write(Data("scimsync-fcgi: \(message)\n".utf8))
    }

    public static func error(_ message: String) {
        note("error: \(message)")
    }
}
