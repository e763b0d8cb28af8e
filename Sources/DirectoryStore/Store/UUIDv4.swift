import Foundation

/// Server-assigned resource ids: random UUIDs, lowercase, opaque to clients.
enum UUIDv4 {
    /// From `getrandom(2)` (the system generator): Foundation's `UUID()` opens, reads and closes
    /// `/dev/urandom` on Linux for each one, three system calls inside every create.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Array($0) }
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 9562 variant
        return hex(bytes)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// `8-4-4-4-12` lowercase hexadecimal digits.
    private static func hex(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if [4, 6, 8, 10].contains(index) {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = digits[Int(byte >> 4)]
                text[position + 1] = digits[Int(byte & 0x0F)]
                position += 2
            }
            return position
        }
    }
}
