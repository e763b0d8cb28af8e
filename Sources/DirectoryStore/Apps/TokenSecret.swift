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
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
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
