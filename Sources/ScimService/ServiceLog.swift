import Logging

/// Diagnostics of the responder through swift-log (one JSON object per line once the responder
/// bootstraps ``JSONLogHandler``). Never given request bodies, query strings or tokens.
public enum ServiceLog {
    public static let logger = Logger(label: "scimsync-fcgi")

    public static func note(_ message: String) {
        logger.notice("\(message)")
    }

    public static func error(_ message: String) {
        logger.error("\(message)")
    }
}
