import Crypto
import Foundation

/// Bearer tokens: 256 random bits, shown once, stored as their SHA-256.
///
/// A fast hash suffices because the secret itself has full entropy; there is nothing to
/// brute-force that is easier than guessing the token.
public enum TokenSecret {
    static let prefix = "scs_"

    /// A new token: `scs_` and 43 base64url characters.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    /// The stored form: lowercase hex SHA-256.
    public static func hash(_ token: String) -> String {
        let digest = SHA256.hash(data: Array(token.utf8))
        return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { hex in
            for (index, byte) in digest.enumerated() {
                hex[2 * index] = hexDigit(byte >> 4)
                hex[2 * index + 1] = hexDigit(byte & 0x0F)
            }
            return 2 * SHA256.byteCount
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// Compares two strings in time that depends only on their length.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// What listings show of a token: its first characters, never enough to use it.
    static func hint(_ token: String) -> String {
        String(token.prefix(prefix.count + 4)) + "…"
    }
}
