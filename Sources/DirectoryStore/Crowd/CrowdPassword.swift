import Crypto
import Foundation
import _CryptoExtras

/// Crowd client passwords: 192 random bits, shown once, stored as a salted PBKDF2-SHA256 hash
/// (`pbkdf2-sha256$ROUNDS$SALT$HASH`, base64), because a client's password travels in every
/// request's Basic header and an application's configuration keeps it in the clear.
public enum CrowdPassword {
    static let rounds = 210_000
    static let scheme = "pbkdf2-sha256"

    /// A new password: `scc_` and 32 base64url characters.
    public static func generate() -> String {
        "scc_" + base64URL(randomBytes(24))
    }

    /// The stored form of `password`, with a fresh salt.
    public static func hash(_ password: String) throws -> String {
        let salt = randomBytes(16)
        let key = try derive(password, salt: salt, rounds: rounds)
        return "\(scheme)$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// A well-formed hash no password matches (its key is zeros): verified against when no client
    /// has the name, so an unknown name costs the slow hash as a wrong password does and the
    /// answer's time does not tell which client names exist.
    package static let unknownClientHash = "\(scheme)$\(rounds)$\(Data(count: 16).base64EncodedString())$\(Data(count: 32).base64EncodedString())"

    /// Whether `password` matches `stored`, compared in constant time; a malformed `stored` never matches.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme, let rounds = Int(parts[1]), (1...10_000_000).contains(rounds),
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
            let actual = try? derive(password, salt: Array(salt), rounds: rounds)
        else { return false }
        return TokenSecret.constantTimeEquals(Data(actual).base64EncodedString(), expected.base64EncodedString())
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: 32,
            unsafeUncheckedRounds: rounds
        )
        return key.withUnsafeBytes { Array($0) }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
