import Foundation

/// Server-assigned resource ids: random UUIDs, lowercase, opaque to clients.
enum UUIDv4 {
    static func make() -> String {
        UUID().uuidString.lowercased()
    }
}
