import Foundation

/// Start-up and shutdown notes on standard error (the C `stderr` global is off limits in Swift 6).
enum Diagnostics {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("scimsync-fcgi: \(message)\n".utf8))
    }
}
