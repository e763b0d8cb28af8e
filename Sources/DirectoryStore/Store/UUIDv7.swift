import Foundation

/// Server-assigned resource ids: time-ordered UUIDs (RFC 9562 §5.7), lowercase, opaque to clients.
///
/// The first 48 bits are the Unix time in milliseconds, the other 74 free bits random. A random
/// (version 4) id put each create's entry of the `id` index on a page of its own, so a commit of
/// many creates wrote as many index pages to the WAL; ids in time order land on the index's
/// last page, as the row keys do. 74 random bits still make an id unguessable (an id is no key
/// to anything: every read is within the token's app), and the time they tell is `meta.created`.
enum UUIDv7 {
    /// The random bits from `getrandom(2)` (the system generator): Foundation's `UUID()` opens,
    /// reads and closes `/dev/urandom` on Linux for each one, three system calls inside every create.
    static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        let random = generator.next() as UInt64
        let high = milliseconds << 16 | 0x7000 | random & 0x0FFF
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        return hex(withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Array($0) })
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
