import Synchronization

/// What a request says about where it came from, checked before it reaches a header, a log
/// line, the audit log or a URL in a response.
enum RequestOrigin {
    /// The longest request id taken from a client.
    static let maxRequestIDLength = 128

    /// The client's `X-Request-Id` when it is short and of a safe alphabet (letters, digits and
    /// `-_.:+/=`); otherwise one the server makes, so every request has an id to quote.
    static func requestID(_ offered: String?) -> String {
        if let offered, isSafeRequestID(offered) { return offered }
        return makeRequestID()
    }

    static func isSafeRequestID(_ text: String) -> Bool {
        isMadeOf(text, maxBytes: maxRequestIDLength, alphanumericsAnd: "-_.:+/=")
    }

    /// 64 bits in hex, prefixed so that made ids are told from the IdP's: the process's random key
    /// plus a count, mixed (``mix(_:)`` is a bijection), so no two ids of a process are alike,
    /// they look random, and a request costs no system call for randomness.
    static func makeRequestID() -> String {
        let count = madeRequestIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let value = mix(requestIDKey &+ count)
        // Written in place: the hex text, its zero padding and the prefix as Strings cost three
        // allocations a request.
        return String(unsafeUninitializedCapacity: requestIDPrefix.count + 16) { buffer in
            var index = 0
            for byte in requestIDPrefix {
                buffer[index] = byte
                index += 1
            }
            for shift in stride(from: 60, through: 0, by: -4) {
                buffer[index] = hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                index += 1
            }
            return index
        }
    }

    private static let requestIDPrefix = Array("scimsync-".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static let requestIDKey = UInt64.random(in: .min ... .max)
    private static let madeRequestIDs = Atomic<UInt64>(0)

    /// SplitMix64's finaliser: every bit of the input moves every bit of the output.
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value &* 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// `<scheme>://<host>` for URLs in responses: the app's configured base URL when it has one
    /// (a client's `Host` then has no say), else the forwarded scheme and `Host` when they are
    /// well-formed, else `http://localhost`.
    static func base(configured: String?, scheme: String, host: String?) -> String {
        if let configured { return configured }
        let safeScheme = scheme == "https" ? "https" : "http"
        guard let host, isSafeHost(host) else { return "\(safeScheme)://localhost" }
        return "\(safeScheme)://\(host)"
    }

    /// A host name or address with an optional port, as RFC 9110 allows in `Host`, without
    /// user info, paths or anything that needs escaping in a URL or JSON.
    static func isSafeHost(_ text: String) -> Bool {
        isMadeOf(text, maxBytes: 255, alphanumericsAnd: "-.:[]")
    }

    /// Whether `text` is 1 to `maxBytes` bytes of ASCII letters, digits and the bytes of `others`.
    private static func isMadeOf(_ text: String, maxBytes: Int, alphanumericsAnd others: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= maxBytes else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                others.utf8.contains(byte)
            }
        }
    }
}
