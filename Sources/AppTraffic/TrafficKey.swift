/// An app as the traffic file knows it: its id, and a hash of its name that tells a reused id.
public struct TrafficKey: Sendable, Hashable {
    public let id: Int64
    public let nameHash: UInt64

    public init(id: Int64, name: String) {
        self.id = id
        nameHash = Self.hash(name)
    }

    /// FNV-1a over the name's UTF-8 bytes.
    public static func hash(_ name: String) -> UInt64 {
        name.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
