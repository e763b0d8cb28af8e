/// What a fuzz target calls when an input shows a bug: it stops the process (libFuzzer then
/// writes the input as a crash artifact) after printing the input and what went wrong.
public enum Finding {
    public static func report(_ what: String, input: UnsafeRawBufferPointer) -> Never {
        fatalError("FINDING: \(printable(what))\ninput (\(input.count) bytes): \(describe(input))")
    }

    /// `text` with control characters but line breaks escaped: a NUL would end the message.
    static func printable(_ text: String) -> String {
        text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control && scalar != "\n" ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
    }

    /// The input as a Swift string literal when it is UTF-8, as hex otherwise.
    static func describe(_ input: UnsafeRawBufferPointer) -> String {
        if let text = String(validating: input, as: UTF8.self) { return text.debugDescription }
        return input.map { String($0, radix: 16) }.joined(separator: " ")
    }
}

/// The input of one run, as libFuzzer hands it over.
public struct FuzzInput {
    public let bytes: UnsafeRawBufferPointer

    public init(_ data: UnsafePointer<UInt8>?, _ count: Int) {
        bytes = UnsafeRawBufferPointer(start: data, count: count)
    }

    /// The input as text, or `nil` when it is not UTF-8 (every entry point takes decoded text).
    public var text: String? { String(validating: bytes, as: UTF8.self) }

    public func fail(_ what: String) -> Never {
        Finding.report(what, input: bytes)
    }
}
