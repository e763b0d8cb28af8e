import Crypto
import Foundation
import _CryptoExtras

/// Admin passwords as the store keeps them: scrypt (swift-crypto's `_CryptoExtras`, BoringSSL),
/// a random 16-byte salt each, written with its parameters so they can be raised later:
/// `scrypt$N$r$p$<salt base64>$<key base64>`.
///
/// scrypt is slow and memory-hard on purpose: a stolen database gives an attacker one guess per
/// 64 MiB and tens of milliseconds, not billions a second as a plain hash would.
public enum PasswordHash {
    /// OWASP's password storage parameters for scrypt (N = 2^16, r = 8, p = 2: 64 MiB).
    static let cost = 1 << 16
    static let blockSize = 8
    static let parallelism = 2
    static let keyBytes = 32
    /// The longest password accepted, in bytes: enough for any passphrase, short enough that a
    /// sign-in form cannot make the server hash megabytes.
    public static let maxPasswordBytes = 1024
    /// The shortest password accepted, in characters.
    public static let minPasswordCharacters = 12

    /// The stored form of `password`.
    public static func make(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = try derive(password, salt: salt, cost: cost, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(cost)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Whether `password` is the one `stored` was made from; the keys are compared in constant time.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt",
            let cost = Int(parts[1]), let blockSize = Int(parts[2]), let parallelism = Int(parts[3]),
            isBounded(cost: cost, blockSize: blockSize, parallelism: parallelism),
            let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
            let key = try? derive(password, salt: Array(salt), cost: cost, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return constantTimeEquals(key, Array(expected))
    }

    /// The most memory (128 · r · N bytes) and work (N · r · p) a stored hash may ask for: 4 times
    /// today's parameters. A stored hash is data (a restored snapshot, a hand-edited row): one
    /// asking for N = 2^20, r = 16, p = 16 would have every sign-in as that name allocate 2 GiB and
    /// run for minutes, and the unthrottled first tries of several clients at once stop the host.
    static let maxMemoryBytes = 4 * 128 * blockSize * cost
    static let maxWork = 4 * cost * blockSize * parallelism

    /// Whether N is a power of two and the parameters stay within ``maxMemoryBytes`` and ``maxWork``.
    static func isBounded(cost: Int, blockSize: Int, parallelism: Int) -> Bool {
        guard (1 << 10...1 << 20).contains(cost), cost & (cost - 1) == 0, (1...16).contains(blockSize), (1...16).contains(parallelism)
        else { return false }
        return 128 * blockSize * cost <= maxMemoryBytes && cost * blockSize * parallelism <= maxWork
    }

    /// A password the console and the admin tool accept, or why not.
    public static func problem(_ password: String) -> String? {
        if password.count < minPasswordCharacters { return "a password needs at least \(minPasswordCharacters) characters" }
        if password.utf8.count > maxPasswordBytes { return "a password may have at most \(maxPasswordBytes) bytes" }
        return nil
    }

    /// A new random password: 20 characters of an alphabet without look-alikes (about 115 bits).
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    private static func derive(_ password: String, salt: [UInt8], cost: Int, blockSize: Int, parallelism: Int) throws -> [UInt8] {
        // The memory scrypt needs is 128 · r · N · p bytes; BoringSSL refuses more than its 32 MiB default.
        let memory = 128 * blockSize * cost * parallelism + (1 << 20)
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8),
            salt: salt,
            outputByteCount: keyBytes,
            rounds: cost,
            blockSize: blockSize,
            parallelism: parallelism,
            maxMemory: memory
        )
        return key.withUnsafeBytes { Array($0) }
    }

    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
